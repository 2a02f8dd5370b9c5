import { groupByKey, loadPages, selectPage, type Database, type Page, type PagedList, type PageKey } from "@grondslag/db";
import DataLoader from "dataloader";
import { asc, inArray } from "drizzle-orm";
import { invoiceLines, invoices, type InvoiceLineRow, type InvoiceRow } from "./db/tables.ts";

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  return {
    invoicesOfPerson: new DataLoader<PageKey, Page<InvoiceRow>, string>(
      (keys) => loadPages(keys, (ids, limit, after) => selectPage(db, INVOICES, ids, limit, after)),
      { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.first, key.after]) },
    ),
    // Shared by `Invoice.lines` and `Invoice.total`, so asking for both costs one query.
    linesOfInvoice: new DataLoader<string, InvoiceLineRow[]>(async (invoiceIds) =>
      groupByKey(
        invoiceIds,
        await db
          .select()
          .from(invoiceLines)
          .where(inArray(invoiceLines.invoiceId, [...invoiceIds]))
          .orderBy(asc(invoiceLines.position)),
        (row) => row.invoiceId,
      ),
    ),
  };
}

/** A person's invoices newest first; the id breaks ties so every page is stable. */
const INVOICES = {
  table: invoices,
  parent: invoices.personId,
  id: invoices.id,
  order: [
    { column: invoices.issuedOn, direction: "desc" },
    { column: invoices.id, direction: "desc" },
  ],
} satisfies PagedList<typeof invoices>;

export type Loaders = ReturnType<typeof createLoaders>;
