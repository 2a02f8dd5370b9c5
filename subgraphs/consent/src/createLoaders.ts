import { byKey, groupByKey, loadPages, selectPage, type Database, type Page, type PagedList, type PageKey } from "@grondslag/db";
import DataLoader from "dataloader";
import { and, desc, inArray } from "drizzle-orm";
import {
  consentRecords, disclosures, instructedReads, purposes, supportCases,
  type ConsentRecordRow, type DisclosureRow, type InstructedReadRow, type PurposeRow, type SupportCaseRow,
} from "./db/tables.ts";

/** One send to a partner, by the partner's name and its reference for the send. */
export interface PartnerReference {
  partner: string;
  reference: string;
}

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
    instructedReadsOfPerson: new DataLoader<PageKey, Page<InstructedReadRow>, string>(
      (keys) => loadPages(keys, (ids, limit, after) => selectPage(db, INSTRUCTED_READS, ids, limit, after)),
      { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.first, key.after]) },
    ),
    supportCase: new DataLoader<string, SupportCaseRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(supportCases).where(inArray(supportCases.id, [...ids])), (row) => row.id),
    ),
    supportCasesOfPerson: new DataLoader<string, SupportCaseRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db.select().from(supportCases).where(inArray(supportCases.personId, [...personIds])).orderBy(supportCases.openedAt, supportCases.id),
        (row) => row.personId,
      ),
    ),
    /** Newest first: "who received my data" reads from the latest send back. */
    disclosuresOfPerson: new DataLoader<PageKey, Page<DisclosureRow>, string>(
      (keys) => loadPages(keys, (ids, limit, after) => selectPage(db, DISCLOSURES, ids, limit, after)),
      { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.first, key.after]) },
    ),
    /** The newest disclosure of a send, by (partner, reference): whom a partner's webhook is about. */
    disclosureByReference: new DataLoader<PartnerReference, DisclosureRow | undefined, string>(
      async (keys) => {
        const rows = await db
          .select()
          .from(disclosures)
          .where(and(inArray(disclosures.partner, [...new Set(keys.map((key) => key.partner))]), inArray(disclosures.reference, [...new Set(keys.map((key) => key.reference))])))
          .orderBy(desc(disclosures.occurredAt), desc(disclosures.id));
        // Newest first, so the first row of each send is the one kept.
        const newest = new Map<string, DisclosureRow>();
        for (const row of rows) {
          const key = referenceKey({ partner: row.partner, reference: row.reference ?? "" });
          if (!newest.has(key)) newest.set(key, row);
        }
        return keys.map((key) => newest.get(referenceKey(key)));
      },
      { cacheKeyFn: (key) => referenceKey(key) },
    ),
    /** The whole catalogue, read at most once per request. */
    purposeCatalogue: () => (catalogue ??= Promise.resolve(db.select().from(purposes).orderBy(purposes.id))),
  };
}

function referenceKey({ partner, reference }: PartnerReference): string {
  return JSON.stringify([partner, reference]);
}

/** A person's disclosures newest first; the id breaks ties so every page is stable. */
export const DISCLOSURES = {
  table: disclosures,
  parent: disclosures.personId,
  id: disclosures.id,
  order: [
    { column: disclosures.occurredAt, direction: "desc" },
    { column: disclosures.id, direction: "desc" },
  ],
} satisfies PagedList<typeof disclosures>;

/**
 * Staff reads and writes of one person, newest first: the log grows with every field staff read
 * (one row per field, person and request), so it is read a page at a time.
 */
export const INSTRUCTED_READS = {
  table: instructedReads,
  parent: instructedReads.personId,
  id: instructedReads.id,
  order: [
    { column: instructedReads.readAt, direction: "desc" },
    { column: instructedReads.id, direction: "desc" },
  ],
} satisfies PagedList<typeof instructedReads>;

export type Loaders = ReturnType<typeof createLoaders>;
