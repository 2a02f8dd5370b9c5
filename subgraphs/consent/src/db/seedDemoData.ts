import type { Database } from "@grondslag/db";
import { consentRecords, processingInstructions, purposes, supportCases } from "./tables.ts";

/** The purpose catalogue and the demo cast's consents (DESIGN.md §8). Fixed ids, so tests can name them. */
export async function seedDemoData(db: Database): Promise<void> {
  await db
    .insert(purposes)
    .values([
      {
        id: "health-data", title: "Health data for your therapy",
        description: "Your treating practice records your exercise programmes, compliance, experiences and well-being checks.",
        lawfulBasis: "explicit_consent", noticeVersion: "2026-09",
      },
      {
        id: "gps-tracking", title: "Trips recorded by GPS",
        description: "Your phone's precise location is recorded under a pseudonym to register trips, kilometres and CO2.",
        lawfulBasis: "consent", noticeVersion: "2026-09",
      },
      {
        id: "saved-places", title: "Saved places and licence plates",
        description: "Places and licence plates you save are kept so you can register trips faster.",
        lawfulBasis: "consent", noticeVersion: "2026-09",
      },
      {
        id: "research", title: "Scientific research",
        description: "Pseudonymised data, including health data, is used for research and kept anonymised for 10 years.",
        lawfulBasis: "explicit_consent", noticeVersion: "2026-09",
      },
      {
        id: "sms-notifications", title: "Notifications by SMS",
        description: "Reminders and notifications are sent to your phone number through our SMS partner.",
        lawfulBasis: "consent", noticeVersion: "2026-09",
      },
    ])
    .onConflictDoNothing();

  await db
    .insert(consentRecords)
    .values([
      {
        id: "anna-health-data", personId: "anna", purposeId: "health-data", lawfulBasis: "explicit_consent",
        noticeVersion: "2026-09", state: "given", givenAt: new Date("2026-10-05T08:12:00Z"), method: "in_app",
      },
      {
        id: "anna-gps-tracking", personId: "anna", purposeId: "gps-tracking", lawfulBasis: "consent",
        noticeVersion: "2026-09", state: "given", givenAt: new Date("2026-10-20T06:47:00Z"), method: "in_app",
      },
      // bram withdrew his health-data consent: the care team and the processor must both be denied his therapy data.
      {
        id: "bram-health-data", personId: "bram", purposeId: "health-data", lawfulBasis: "explicit_consent",
        noticeVersion: "2026-09", state: "withdrawn", givenAt: new Date("2026-09-14T10:00:00Z"),
        withdrawnAt: new Date("2026-09-30T18:40:00Z"), method: "in_app",
      },
      {
        id: "bram-gps-tracking", personId: "bram", purposeId: "gps-tracking", lawfulBasis: "consent",
        noticeVersion: "2026-09", state: "given", givenAt: new Date("2026-09-15T17:30:00Z"), method: "web",
      },
      {
        id: "bram-sms-notifications", personId: "bram", purposeId: "sms-notifications", lawfulBasis: "consent",
        noticeVersion: "2026-03", state: "withdrawn", givenAt: new Date("2026-05-11T09:05:00Z"),
        withdrawnAt: new Date("2026-10-02T19:21:00Z"), method: "in_app",
      },
    ])
    .onConflictDoNothing();

  // fysio-utrecht, which treats anna and bram, lets sam look into their support tickets: for anna
  // it covers fysio-utrecht's records only (not oefen-amersfoort's); for bram it stays open after
  // his health-data consent was withdrawn, and opens nothing that consent covered (his programs,
  // exercises and reports): only what fysio-utrecht holds on its treatment contract, his care
  // relationship, which tom, the controller's own staff, still reads too.
  await db
    .insert(processingInstructions)
    .values([
      {
        id: "fysio-utrecht-sam-anna", controllerId: "fysio-utrecht", processorPersonId: "sam", personId: "anna",
        categories: ["HEALTH"], reason: "Support ticket 4711: exercise video does not play", issuedBy: "tom",
        validFrom: new Date("2026-11-01T00:00:00Z"), validUntil: new Date("2027-01-31T00:00:00Z"),
      },
      {
        id: "fysio-utrecht-sam-bram", controllerId: "fysio-utrecht", processorPersonId: "sam", personId: "bram",
        categories: ["HEALTH"], reason: "Support ticket 4790: compliance chart shows no data", issuedBy: "tom",
        validFrom: new Date("2026-11-01T00:00:00Z"), validUntil: new Date("2027-01-31T00:00:00Z"),
      },
    ])
    .onConflictDoNothing();

  // bram cannot log in and asked for help: his case is open. anna's question about an invoice was answered.
  await db
    .insert(supportCases)
    .values([
      { id: "case-bram-login", personId: "bram", kind: "support", topic: "Ik kan niet meer inloggen met mijn nieuwe telefoon.", openedAt: new Date("2026-11-20T09:14:00Z") },
      {
        id: "case-anna-invoice", personId: "anna", kind: "support", topic: "Vraag over de factuur van oktober.", openedAt: new Date("2026-11-02T13:00:00Z"),
        closedAt: new Date("2026-11-03T08:30:00Z"), closedBy: "sam",
      },
    ])
    .onConflictDoNothing();
}
