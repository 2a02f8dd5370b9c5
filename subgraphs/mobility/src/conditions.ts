import type { Condition } from "@grondslag/policy";
import type { TripRow } from "./db/tables.ts";

/** The purposes of the trips an employer reimburses: what `Person.workTrips` lists and `work-trip` allows. */
export const WORK_TRIP_PURPOSES = ["business", "commute"] as const satisfies readonly TripRow["purpose"][];

const isWorkTrip: Condition = (trip) => (WORK_TRIP_PURPOSES as readonly string[]).includes((trip as TripRow).purpose);

/** Record conditions mobility's policies name; about the record, never about the caller. */
export const conditions = {
  "work-trip": {
    description: "the trip's purpose is business or commute (not private)",
    evaluate: isWorkTrip,
  },
};
