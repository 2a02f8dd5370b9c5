import type { InvoiceLineRow } from "../db/tables.ts";

/** A line as `Invoice.lines` hands it on: the row plus its invoice's currency. */
export type PricedLine = InvoiceLineRow & { currency: string };

export const InvoiceLine = {
  unitAmount: (line: PricedLine) => ({ amountCents: line.unitAmountCents, currency: line.currency }),
  amount: (line: PricedLine) => ({ amountCents: line.quantity * line.unitAmountCents, currency: line.currency }),
};
