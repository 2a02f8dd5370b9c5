import type { Database } from "@grondslag/db";
import { invoiceLines, invoices } from "./tables.ts";

const annaRecipient = {
  recipientName: "A.M. de Vries", street: "Oudegracht 12", postalCode: "3511 AP", city: "Utrecht", country: "NL",
  iban: "NL91ABNA0417164300",
};
const bramRecipient = {
  recipientName: "B. Jansen", street: "Biltstraat 88", postalCode: "3572 BH", city: "Utrecht", country: "NL",
  iban: "NL20INGB0001234567",
};
const serviceFee = { description: "Servicekosten privégebruik", quantity: 1, unitAmountCents: 150 };

/** Private-use statements of anna's and bram's mobility cards (DESIGN.md §8). Fixed ids. */
export async function seedDemoData(db: Database): Promise<void> {
  await db
    .insert(invoices)
    .values([
      {
        id: "anna-2026-10", personId: "anna", number: "GS-2026-000123", issuedOn: "2026-11-03", dueOn: "2026-11-17",
        status: "paid", description: "Privégebruik mobiliteitskaart oktober 2026", ...annaRecipient,
        paidAt: new Date("2026-11-10T09:00:00Z"),
      },
      {
        id: "bram-2026-10", personId: "bram", number: "GS-2026-000124", issuedOn: "2026-11-03", dueOn: "2026-11-17",
        status: "overdue", description: "Privégebruik mobiliteitskaart oktober 2026", ...bramRecipient,
      },
      {
        id: "anna-2026-11", personId: "anna", number: "GS-2026-000187", issuedOn: "2026-11-20", dueOn: "2026-12-04",
        status: "open", description: "Privégebruik mobiliteitskaart november 2026", ...annaRecipient,
      },
    ])
    .onConflictDoNothing();

  await db
    .insert(invoiceLines)
    .values([
      { id: "anna-2026-10-1", invoiceId: "anna-2026-10", position: 1, description: "Treinreis Utrecht Centraal – Amsterdam Zuid, enkele reis (privé)", quantity: 1, unitAmountCents: 970 },
      { id: "anna-2026-10-2", invoiceId: "anna-2026-10", position: 2, description: "Treinreis Utrecht Centraal – Amersfoort Centraal, retour (privé)", quantity: 2, unitAmountCents: 610 },
      { id: "anna-2026-10-3", invoiceId: "anna-2026-10", position: 3, ...serviceFee },
      { id: "anna-2026-11-1", invoiceId: "anna-2026-11", position: 1, description: "Treinreis Utrecht Centraal – Amsterdam Zuid, retour (privé)", quantity: 2, unitAmountCents: 970 },
      { id: "anna-2026-11-2", invoiceId: "anna-2026-11", position: 2, ...serviceFee },
      { id: "bram-2026-10-1", invoiceId: "bram-2026-10", position: 1, description: "Treinreis Utrecht Centraal – Amsterdam Centraal, retour (privé)", quantity: 2, unitAmountCents: 920 },
      { id: "bram-2026-10-2", invoiceId: "bram-2026-10", position: 2, ...serviceFee },
    ])
    .onConflictDoNothing();
}
