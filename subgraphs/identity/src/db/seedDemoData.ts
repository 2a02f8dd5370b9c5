import type { Database } from "@grondslag/db";
import { memberships, organisations, persons } from "./tables.ts";

/** The demo cast of DESIGN.md §8. Fixed ids, so every subgraph can refer to them. */
export async function seedDemoData(db: Database): Promise<void> {
  await db
    .insert(organisations)
    .values([
      { id: "acme", name: "Acme Logistiek B.V.", kind: "employer", country: "NL" },
      { id: "fysio-utrecht", name: "Fysiotherapie Utrecht Centrum", kind: "practice", country: "NL" },
      { id: "praktijk-gent", name: "Kinesitherapie Praktijk Gent", kind: "practice", country: "BE" },
      { id: "grondslag", name: "Grondslag Platform", kind: "platform", country: "NL" },
      // A second practice that treats anna and a second employer of bram: what tom and eva must not see.
      { id: "oefen-amersfoort", name: "Oefentherapie Amersfoort", kind: "practice", country: "NL" },
      { id: "bakkerij-zon", name: "Bakkerij De Zon", kind: "employer", country: "NL" },
    ])
    .onConflictDoNothing();

  await db
    .insert(persons)
    .values([
      {
        id: "anna", givenName: "Anna", familyName: "de Vries", initials: "A.M.", email: "anna@example.nl",
        phone: "+31612345678", dateOfBirth: "1988-04-12", street: "Oudegracht 12", postalCode: "3511 AP",
        city: "Utrecht", country: "NL", language: "nl", pseudonym: "psn_7f3a9c21",
      },
      {
        id: "bram", givenName: "Bram", familyName: "Jansen", initials: "B.", email: "bram@example.nl",
        phone: "+31687654321", dateOfBirth: "1979-11-03", street: "Biltstraat 88", postalCode: "3572 BH",
        city: "Utrecht", country: "NL", language: "nl", pseudonym: "psn_2b8e4d90",
      },
      {
        id: "tom", givenName: "Tom", familyName: "Bakker", initials: "T.", email: "tom@fysio-utrecht.nl",
        phone: "+31301234567", language: "nl", pseudonym: "psn_c41d0e77",
      },
      {
        id: "mila", givenName: "Mila", familyName: "Peeters", initials: "M.", email: "mila@praktijk-gent.be",
        phone: "+3292345678", language: "nl", pseudonym: "psn_95aa31f4",
      },
      {
        id: "eva", givenName: "Eva", familyName: "Smit", initials: "E.", email: "eva@acme.nl",
        language: "nl", pseudonym: "psn_0e62b5c8",
      },
      {
        id: "noor", givenName: "Noor", familyName: "Hendriks", initials: "N.", email: "noor@oefen-amersfoort.nl",
        phone: "+31334567890", language: "nl", pseudonym: "psn_a2f60c19",
      },
      { id: "sam", givenName: "Sam", familyName: "Visser", initials: "S.", email: "sam@grondslag.nl", language: "en", pseudonym: "psn_d83f1a26" },
      { id: "audrey", givenName: "Audrey", familyName: "Claes", initials: "A.", email: "audrey@audit.example", language: "en", pseudonym: "psn_61c9e0b3" },
      { id: "rita", givenName: "Rita", familyName: "Mertens", initials: "R.", email: "rita@research.example", language: "en", pseudonym: "psn_4ab7d215" },
    ])
    .onConflictDoNothing();

  await db
    .insert(memberships)
    .values([
      { id: "anna-acme", personId: "anna", organisationId: "acme", role: "employee", employeeNumber: "E-1001", startedOn: "2021-03-01" },
      { id: "bram-acme", personId: "bram", organisationId: "acme", role: "employee", employeeNumber: "E-1002", startedOn: "2019-09-01" },
      { id: "tom-fysio-utrecht", personId: "tom", organisationId: "fysio-utrecht", role: "therapist", startedOn: "2015-01-01" },
      { id: "mila-praktijk-gent", personId: "mila", organisationId: "praktijk-gent", role: "therapist", startedOn: "2018-06-01" },
      { id: "eva-acme", personId: "eva", organisationId: "acme", role: "employer_admin", employeeNumber: "E-0007", startedOn: "2017-02-01" },
      { id: "noor-oefen-amersfoort", personId: "noor", organisationId: "oefen-amersfoort", role: "therapist", startedOn: "2020-01-01" },
      { id: "bram-bakkerij-zon", personId: "bram", organisationId: "bakkerij-zon", role: "employee", employeeNumber: "Z-077", startedOn: "2024-04-01" },
      { id: "sam-grondslag", personId: "sam", organisationId: "grondslag", role: "support", startedOn: "2023-05-01" },
    ])
    .onConflictDoNothing();
}
