import { date, index, integer, pgSchema, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Everything mobility owns lives in the `mobility` Postgres schema; no other subgraph reads it. */
export const mobility = pgSchema("mobility");

export const cardKind = mobility.enum("card_kind", ["personal", "shared"]);
export const cardStatus = mobility.enum("card_status", ["active", "blocked", "expired"]);
export const tripSource = mobility.enum("trip_source", ["manual", "gps", "check_in_out"]);
export const travelMode = mobility.enum("travel_mode", ["car", "bike", "e_bike", "train", "bus", "tram", "metro", "walk"]);
export const tripPurpose = mobility.enum("trip_purpose", ["business", "commute", "private"]);
export const travellerRole = mobility.enum("traveller_role", ["driver", "passenger"]);

// person_id refers to identity's Person; a foreign key cannot cross subgraph schemas.
export const mobilityCards = mobility.table(
  "mobility_card",
  {
    id: text("id").primaryKey(),
    personId: text("person_id").notNull(),
    engravedNumber: text("engraved_number").notNull(),
    chipId: text("chip_id").notNull(),
    expiresOn: date("expires_on").notNull(),
    kind: cardKind("kind").notNull(),
    status: cardStatus("status").notNull().default("active"),
    issuedOn: date("issued_on").notNull(),
  },
  (table) => [
    index("mobility_card_person_idx").on(table.personId),
    uniqueIndex("mobility_card_engraved_number_key").on(table.engravedNumber),
  ],
);

export const trips = mobility.table(
  "trip",
  {
    id: text("id").primaryKey(),
    personId: text("person_id").notNull(),
    cardId: text("card_id").references(() => mobilityCards.id),
    source: tripSource("source").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
    startPlace: text("start_place").notNull(),
    endPlace: text("end_place").notNull(),
    distanceMeters: integer("distance_meters").notNull(),
    mode: travelMode("mode").notNull(),
    purpose: tripPurpose("purpose").notNull(),
    travellerRole: travellerRole("traveller_role"),
    co2Grams: integer("co2_grams").notNull(),
    costCents: integer("cost_cents"),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  },
  (table) => [index("trip_person_idx").on(table.personId), index("trip_card_idx").on(table.cardId)],
);

export type MobilityCardRow = typeof mobilityCards.$inferSelect;
export type TripRow = typeof trips.$inferSelect;
