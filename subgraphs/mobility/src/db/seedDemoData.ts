import type { Database } from "@grondslag/db";
import { mobilityCards, trips } from "./tables.ts";

type NewTrip = typeof trips.$inferInsert;

// Every demo day falls after the switch to winter time (25 October 2026): Dutch time is UTC+1.
const at = (day: string, time: string) => new Date(`${day}T${time}:00+01:00`);

// Grams of CO2 per kilometre, as on the emission factor list the platform uses.
const GRAMS_PER_KM = { train: 3, car: 180, e_bike: 5, bike: 0 } as const;
const co2 = (meters: number, mode: keyof typeof GRAMS_PER_KM) => Math.round((meters / 1000) * GRAMS_PER_KM[mode]);

// Anna works from home on Wednesdays; on Thursday 12 November she drove to a client instead.
const ANNA_COMMUTE_DAYS = [
  "2026-10-26", "2026-10-27", "2026-10-29", "2026-10-30",
  "2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06",
  "2026-11-09", "2026-11-10", "2026-11-13",
  "2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20",
];

const UTRECHT_AMERSFOORT_METERS = 22_600;

function annaCommute(day: string): NewTrip[] {
  const commute = {
    personId: "anna", cardId: "anna-card", source: "check_in_out", distanceMeters: UTRECHT_AMERSFOORT_METERS,
    mode: "train", purpose: "commute", co2Grams: co2(UTRECHT_AMERSFOORT_METERS, "train"), costCents: 650,
    confirmedAt: at(day, "20:30"),
  } as const;
  return [
    { ...commute, id: `anna-trip-${day}-am`, startedAt: at(day, "07:48"), endedAt: at(day, "08:12"), startPlace: "Utrecht Centraal", endPlace: "Amersfoort Centraal" },
    { ...commute, id: `anna-trip-${day}-pm`, startedAt: at(day, "17:19"), endedAt: at(day, "17:43"), startPlace: "Amersfoort Centraal", endPlace: "Utrecht Centraal" },
  ];
}

function bramCommute(day: string): NewTrip[] {
  const meters = 7_850;
  const commute = {
    personId: "bram", source: "gps", distanceMeters: meters, mode: "e_bike", purpose: "commute",
    co2Grams: co2(meters, "e_bike"), confirmedAt: at(day, "21:00"),
  } as const;
  return [
    { ...commute, id: `bram-trip-${day}-am`, startedAt: at(day, "08:10"), endedAt: at(day, "08:31"), startPlace: "Utrecht, Biltstraat 88", endPlace: "Utrecht, Papendorpseweg 100" },
    { ...commute, id: `bram-trip-${day}-pm`, startedAt: at(day, "17:05"), endedAt: at(day, "17:27"), startPlace: "Utrecht, Papendorpseweg 100", endPlace: "Utrecht, Biltstraat 88" },
  ];
}

const annaOtherTrips: NewTrip[] = [
  {
    id: "anna-trip-2026-11-01-pm", personId: "anna", source: "gps", startedAt: at("2026-11-01", "14:05"), endedAt: at("2026-11-01", "14:32"),
    startPlace: "Utrecht, Oudegracht 12", endPlace: "Oud-Zuilen, Slot Zuylen", distanceMeters: 5_800, mode: "bike", purpose: "private",
    co2Grams: co2(5_800, "bike"), confirmedAt: at("2026-11-01", "19:10"),
  },
  {
    id: "anna-trip-2026-11-07-am", personId: "anna", cardId: "anna-card", source: "check_in_out", startedAt: at("2026-11-07", "10:58"),
    endedAt: at("2026-11-07", "11:31"), startPlace: "Utrecht Centraal", endPlace: "Amsterdam Centraal", distanceMeters: 35_400, mode: "train",
    purpose: "private", co2Grams: co2(35_400, "train"), costCents: 960, confirmedAt: at("2026-11-08", "10:00"),
  },
  {
    id: "anna-trip-2026-11-07-pm", personId: "anna", cardId: "anna-card", source: "check_in_out", startedAt: at("2026-11-07", "18:12"),
    endedAt: at("2026-11-07", "18:45"), startPlace: "Amsterdam Centraal", endPlace: "Utrecht Centraal", distanceMeters: 35_400, mode: "train",
    purpose: "private", co2Grams: co2(35_400, "train"), costCents: 960, confirmedAt: at("2026-11-08", "10:00"),
  },
  {
    id: "anna-trip-2026-11-12-am", personId: "anna", source: "manual", startedAt: at("2026-11-12", "08:15"), endedAt: at("2026-11-12", "09:05"),
    startPlace: "Utrecht, Oudegracht 12", endPlace: "Rotterdam, Waalhaven Zuidzijde 19", distanceMeters: 58_700, mode: "car", purpose: "business",
    travellerRole: "driver", co2Grams: co2(58_700, "car"), confirmedAt: at("2026-11-12", "17:05"),
  },
  {
    id: "anna-trip-2026-11-12-pm", personId: "anna", source: "manual", startedAt: at("2026-11-12", "15:40"), endedAt: at("2026-11-12", "16:35"),
    startPlace: "Rotterdam, Waalhaven Zuidzijde 19", endPlace: "Utrecht, Oudegracht 12", distanceMeters: 58_700, mode: "car", purpose: "business",
    travellerRole: "driver", co2Grams: co2(58_700, "car"), confirmedAt: at("2026-11-12", "17:05"),
  },
  // Recorded by GPS and not yet confirmed: its raw track is still kept until she confirms it.
  {
    id: "anna-trip-2026-11-20-evening", personId: "anna", source: "gps", startedAt: at("2026-11-20", "20:05"), endedAt: at("2026-11-20", "20:17"),
    startPlace: "Utrecht, Oudegracht 12", endPlace: "Utrecht, Stadion Galgenwaard", distanceMeters: 3_100, mode: "bike", purpose: "private",
    co2Grams: co2(3_100, "bike"), confirmedAt: null,
  },
];

const bramOtherTrips: NewTrip[] = [
  // A passenger adds no emissions of their own: the driver's trip carries the car's CO2.
  {
    id: "bram-trip-2026-11-14-am", personId: "bram", source: "manual", startedAt: at("2026-11-14", "10:30"), endedAt: at("2026-11-14", "11:10"),
    startPlace: "Utrecht, Biltstraat 88", endPlace: "'s-Hertogenbosch, Markt", distanceMeters: 52_300, mode: "car", purpose: "private",
    travellerRole: "passenger", co2Grams: 0, confirmedAt: at("2026-11-14", "12:00"),
  },
];

/** Anna's card and about four weeks of her trips, and a few of Bram's. Fixed ids. */
export async function seedDemoData(db: Database): Promise<void> {
  await db
    .insert(mobilityCards)
    .values([
      {
        id: "anna-card", personId: "anna", engravedNumber: "3528000012345678", chipId: "04A3F2B1C95E80",
        expiresOn: "2030-05-31", kind: "personal", status: "active", issuedOn: "2025-06-02",
      },
    ])
    .onConflictDoNothing();

  await db
    .insert(trips)
    .values([
      ...ANNA_COMMUTE_DAYS.flatMap(annaCommute),
      ...annaOtherTrips,
      ...["2026-11-16", "2026-11-17", "2026-11-19"].flatMap(bramCommute),
      ...bramOtherTrips,
    ])
    .onConflictDoNothing();
}
