import { byKey, groupByKey, type Database } from "@grondslag/db";
import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import { consentRecords, instructedReads, purposes, type ConsentRecordRow, type InstructedReadRow, type PurposeRow } from "./db/tables.ts";

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  let catalogue: Promise<PurposeRow[]> | undefined;
  return {
    purpose: new DataLoader<string, PurposeRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(purposes).where(inArray(purposes.id, [...ids])), (row) => row.id),
    ),
    consentsOfPerson: new DataLoader<string, ConsentRecordRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db
          .select()
          .from(consentRecords)
          .where(inArray(consentRecords.personId, [...personIds]))
          .orderBy(consentRecords.givenAt, consentRecords.id),
        (row) => row.personId,
      ),
    ),
    instructedReadsOfPerson: new DataLoader<string, InstructedReadRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db
          .select()
          .from(instructedReads)
          .where(inArray(instructedReads.personId, [...personIds]))
          .orderBy(instructedReads.readAt, instructedReads.id),
        (row) => row.personId,
      ),
    ),
    /** The whole catalogue, read at most once per request. */
    purposeCatalogue: () => (catalogue ??= Promise.resolve(db.select().from(purposes).orderBy(purposes.id))),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
