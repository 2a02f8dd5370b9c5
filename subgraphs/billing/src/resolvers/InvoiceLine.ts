import type { InvoiceLineRow } from "../db/tables.ts";
import type { InvoiceLineResolvers } from "../generated/resolvers.ts";
import type { Money } from "./values.ts";

/** A line as `Invoice.lines` hands it on: the row plus its invoice's currency and person. */
export type PricedLine = InvoiceLineRow & { currency: string; personId: string };

export const InvoiceLine = {
  unitAmount: (line: PricedLine): Money => ({ personId: line.personId, amountCents: line.unitAmountCents, currency: line.currency }),
  amount: (line: PricedLine): Money => ({ personId: line.personId, amountCents: line.quantity * line.unitAmountCents, currency: line.currency }),
} satisfies InvoiceLineResolvers;
