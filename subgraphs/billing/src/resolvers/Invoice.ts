import { toGraphQLEnum } from "@grondslag/server";
import type { BillingContext } from "../context.ts";
import type { InvoiceRow } from "../db/tables.ts";
import type { InvoiceResolvers } from "../generated/resolvers.ts";
import type { PricedLine } from "./InvoiceLine.ts";
import type { InvoiceRecipient, Money } from "./values.ts";

async function loadPricedLines(invoice: InvoiceRow, loaders: BillingContext["loaders"]): Promise<PricedLine[]> {
  const lines = await loaders.linesOfInvoice.load(invoice.id);
  // A line has no currency of its own: it is billed in its invoice's, to its invoice's person.
  return lines.map((line) => ({ ...line, currency: invoice.currency, personId: invoice.personId }));
}

export const Invoice = {
  status: (invoice: InvoiceRow) => toGraphQLEnum(invoice.status),
  total: async (invoice: InvoiceRow, _: unknown, { loaders }: BillingContext): Promise<Money> => {
    const lines = await loaders.linesOfInvoice.load(invoice.id);
    const amountCents = lines.reduce((sum, line) => sum + line.quantity * line.unitAmountCents, 0);
    return { personId: invoice.personId, amountCents, currency: invoice.currency };
  },
  recipient: (invoice: InvoiceRow): InvoiceRecipient => ({
    personId: invoice.personId,
    name: invoice.recipientName,
    address: { personId: invoice.personId, street: invoice.street, postalCode: invoice.postalCode, city: invoice.city, country: invoice.country },
  }),
  lines: (invoice: InvoiceRow, _: unknown, { loaders }: BillingContext) => loadPricedLines(invoice, loaders),
} satisfies InvoiceResolvers;
