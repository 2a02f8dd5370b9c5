import { groupByKey, type Database } from "@grondslag/db";
import DataLoader from "dataloader";
import { asc, desc, inArray } from "drizzle-orm";
import { invoiceLines, invoices, type InvoiceLineRow, type InvoiceRow } from "./db/tables.ts";

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  return {
    invoicesOfPerson: new DataLoader<string, InvoiceRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db
          .select()
          .from(invoices)
          .where(inArray(invoices.personId, [...personIds]))
          .orderBy(desc(invoices.issuedOn), desc(invoices.number)),
        (row) => row.personId,
      ),
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

export type Loaders = ReturnType<typeof createLoaders>;
