import type { BillingContext } from "../context.ts";
import type { InvoiceRow } from "../db/tables.ts";
import type { PricedLine } from "./InvoiceLine.ts";

async function loadPricedLines(invoice: InvoiceRow, loaders: BillingContext["loaders"]): Promise<PricedLine[]> {
  const lines = await loaders.linesOfInvoice.load(invoice.id);
  // A line has no currency of its own: it is billed in its invoice's.
  return lines.map((line) => ({ ...line, currency: invoice.currency }));
}

export const Invoice = {
  status: (invoice: InvoiceRow) => invoice.status.toUpperCase(),
  total: async (invoice: InvoiceRow, _: unknown, { loaders }: BillingContext) => {
    const lines = await loaders.linesOfInvoice.load(invoice.id);
    const amountCents = lines.reduce((sum, line) => sum + line.quantity * line.unitAmountCents, 0);
    return { amountCents, currency: invoice.currency };
  },
  recipient: (invoice: InvoiceRow) => ({
    name: invoice.recipientName,
    address: { street: invoice.street, postalCode: invoice.postalCode, city: invoice.city, country: invoice.country },
  }),
  lines: (invoice: InvoiceRow, _: unknown, { loaders }: BillingContext) => loadPricedLines(invoice, loaders),
};
