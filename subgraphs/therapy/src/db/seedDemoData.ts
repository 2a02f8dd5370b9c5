import type { Database } from "@grondslag/db";
import { careRelationships, complianceEntries, exercisePrograms, exercises, practices, therapists } from "./tables.ts";

/** A day's report per exercise: done or skipped, with the pain and effort the patient gave. */
type Report = readonly [done: boolean, painScore: number | null, effortScore: number | null];
const done = (painScore: number, effortScore: number): Report => [true, painScore, effortScore];
const skipped = (painScore: number | null = null): Report => [false, painScore, null];

/**
 * Anna's first three weeks after her meniscus operation, on Mondays, Wednesdays and Fridays:
 * pain falls; the step-up is skipped twice, once for pain, and one Monday she did nothing.
 */
const annaKneeDays: Record<string, { squat: Report; "leg-raise": Report; "step-up": Report }> = {
  "2026-11-02": { squat: done(5, 6), "leg-raise": done(4, 5), "step-up": done(6, 7) },
  "2026-11-04": { squat: done(5, 6), "leg-raise": done(4, 5), "step-up": skipped(7) },
  "2026-11-06": { squat: done(4, 6), "leg-raise": done(3, 5), "step-up": done(5, 7) },
  "2026-11-09": { squat: skipped(), "leg-raise": skipped(), "step-up": skipped() },
  "2026-11-11": { squat: done(4, 5), "leg-raise": done(3, 5), "step-up": done(5, 6) },
  "2026-11-13": { squat: done(3, 5), "leg-raise": done(2, 4), "step-up": done(4, 6) },
  "2026-11-16": { squat: done(3, 5), "leg-raise": done(2, 4), "step-up": skipped() },
  "2026-11-18": { squat: done(2, 4), "leg-raise": done(2, 4), "step-up": done(3, 5) },
  "2026-11-20": { squat: done(2, 4), "leg-raise": done(1, 3), "step-up": done(3, 5) },
};

const annaPostureDays: Record<string, { "chin-tuck": Report; "wall-angel": Report }> = {
  "2026-11-03": { "chin-tuck": done(2, 3), "wall-angel": done(3, 4) },
  "2026-11-10": { "chin-tuck": done(1, 3), "wall-angel": skipped() },
};

const bramBackDays: Record<string, { bridge: Report; "cat-camel": Report }> = {
  "2026-11-17": { bridge: done(3, 5), "cat-camel": done(2, 3) },
  "2026-11-19": { bridge: skipped(), "cat-camel": done(2, 3) },
  "2026-11-21": { bridge: done(2, 5), "cat-camel": done(1, 3) },
};

/** Entry ids read `<program>-<day>-<exercise>`, e.g. `anna-knee-2026-11-02-squat`. */
function complianceRows(programId: string, patientId: string, days: Record<string, Record<string, Report>>) {
  return Object.entries(days).flatMap(([performedOn, reports]) =>
    Object.entries(reports).map(([exercise, [done, painScore, effortScore]]) => ({
      id: `${programId}-${performedOn}-${exercise}`,
      exerciseId: `${programId}-${exercise}`,
      patientId,
      performedOn,
      done,
      painScore,
      effortScore,
    })),
  );
}

/**
 * The therapy side of the demo cast (DESIGN.md §8): tom treats anna and bram at fysio-utrecht;
 * noor treats anna at oefen-amersfoort; mila treats neither.
 */
export async function seedDemoData(db: Database): Promise<void> {
  await db
    .insert(practices)
    .values([
      { id: "fysio-utrecht", name: "Fysiotherapie Utrecht Centrum", city: "Utrecht", country: "NL" },
      { id: "praktijk-gent", name: "Kinesitherapie Praktijk Gent", city: "Gent", country: "BE" },
      { id: "oefen-amersfoort", name: "Oefentherapie Amersfoort", city: "Amersfoort", country: "NL" },
    ])
    .onConflictDoNothing();

  await db
    .insert(therapists)
    .values([
      { id: "tom", personId: "tom", practiceId: "fysio-utrecht", profession: "fysiotherapeut", registrationNumber: "19012345601" },
      { id: "mila", personId: "mila", practiceId: "praktijk-gent", profession: "kinesitherapeut", registrationNumber: "5-12345-67-527" },
      { id: "noor", personId: "noor", practiceId: "oefen-amersfoort", profession: "oefentherapeut", registrationNumber: "OT-40417" },
    ])
    .onConflictDoNothing();

  await db
    .insert(careRelationships)
    .values([
      { id: "tom-anna", therapistId: "tom", patientId: "anna", startedOn: "2026-10-05" },
      { id: "tom-bram", therapistId: "tom", patientId: "bram", startedOn: "2026-09-14" },
      // anna is also treated at a second practice: its records are oefen-amersfoort's, not tom's.
      { id: "noor-anna", therapistId: "noor", patientId: "anna", startedOn: "2026-10-20" },
    ])
    .onConflictDoNothing();

  await db
    .insert(exercisePrograms)
    .values([
      {
        id: "anna-knee", careRelationshipId: "tom-anna", patientId: "anna", title: "Knierevalidatie na meniscusoperatie",
        goal: "Zonder pijn traplopen en weer naar Utrecht Centraal fietsen", startedOn: "2026-11-02", endsOn: "2026-12-13",
      },
      {
        id: "anna-posture", careRelationshipId: "noor-anna", patientId: "anna", title: "Houdingstraining bij nekklachten",
        goal: "Een werkdag achter het scherm zonder nekpijn", startedOn: "2026-11-03",
      },
      {
        id: "bram-back", careRelationshipId: "tom-bram", patientId: "bram", title: "Lage rugklachten",
        goal: "Een werkdag zitten en een half uur wandelen zonder rugpijn", startedOn: "2026-09-21",
      },
    ])
    .onConflictDoNothing();

  await db
    .insert(exercises)
    .values([
      {
        id: "anna-knee-squat", programId: "anna-knee", position: 1, name: "Mini-squat", sets: 3, repetitions: 10,
        instructions: "Voeten op heupbreedte, houd het aanrecht vast en buig de knieën tot ongeveer 45 graden. Knieën boven de tenen, rustig weer omhoog.",
      },
      {
        id: "anna-knee-leg-raise", programId: "anna-knee", position: 2, name: "Gestrekt been heffen", sets: 3, repetitions: 12,
        instructions: "Lig op je rug met het andere been gebogen. Span de bovenbeenspier aan, til het gestrekte been tot kniehoogte, houd twee tellen vast en laat langzaam zakken.",
      },
      {
        id: "anna-knee-step-up", programId: "anna-knee", position: 3, name: "Opstappen op de traptree", sets: 2, repetitions: 10,
        instructions: "Stap met het geopereerde been op de onderste traptree, strek de knie volledig en stap gecontroleerd terug. Gebruik de leuning als dat nodig is.",
      },
      {
        id: "anna-posture-chin-tuck", programId: "anna-posture", position: 1, name: "Kin intrekken", sets: 3, repetitions: 10,
        instructions: "Zit rechtop en trek de kin recht naar achteren, alsof je een dubbele kin maakt. Houd vijf tellen vast.",
      },
      {
        id: "anna-posture-wall-angel", programId: "anna-posture", position: 2, name: "Muurengel", sets: 2, repetitions: 8,
        instructions: "Sta met rug en armen tegen de muur en schuif de armen langzaam omhoog en omlaag zonder de muur los te laten.",
      },
      {
        id: "bram-back-bridge", programId: "bram-back", position: 1, name: "Bruggetje", sets: 3, repetitions: 10,
        instructions: "Lig op je rug met gebogen knieën. Til het bekken op tot romp en bovenbenen één lijn vormen en houd drie tellen vast.",
      },
      {
        id: "bram-back-cat-camel", programId: "bram-back", position: 2, name: "Kat en koe", sets: 2, repetitions: 8,
        instructions: "Op handen en knieën: maak de rug langzaam bol en daarna hol, zonder de pijngrens op te zoeken.",
      },
    ])
    .onConflictDoNothing();

  await db
    .insert(complianceEntries)
    .values([...complianceRows("anna-knee", "anna", annaKneeDays), ...complianceRows("anna-posture", "anna", annaPostureDays), ...complianceRows("bram-back", "bram", bramBackDays)])
    .onConflictDoNothing();
}
