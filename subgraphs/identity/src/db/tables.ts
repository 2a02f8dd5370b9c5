import { date, index, pgSchema, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Everything identity owns lives in the `identity` Postgres schema; no other subgraph reads it. */
export const identity = pgSchema("identity");

export const accountStatus = identity.enum("account_status", ["active", "closing", "closed"]);
export const organisationKind = identity.enum("organisation_kind", ["employer", "practice", "platform"]);
export const membershipRole = identity.enum("membership_role", [
  "employee",
  "therapist",
  "practice_manager",
  "employer_admin",
  "support",
]);

export const persons = identity.table(
  "person",
  {
    id: text("id").primaryKey(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    initials: text("initials").notNull(),
    email: text("email"),
    phone: text("phone"),
    dateOfBirth: date("date_of_birth"),
    street: text("street"),
    postalCode: text("postal_code"),
    city: text("city"),
    country: text("country"),
    language: text("language").notNull().default("nl"),
    pseudonym: text("pseudonym").notNull(),
    status: accountStatus("status").notNull().default("active"),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("person_pseudonym_key").on(table.pseudonym)],
);

export const organisations = identity.table("organisation", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: organisationKind("kind").notNull(),
  country: text("country").notNull(),
});

export const memberships = identity.table(
  "membership",
  {
    id: text("id").primaryKey(),
    personId: text("person_id")
      .notNull()
      .references(() => persons.id),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id),
    role: membershipRole("role").notNull(),
    employeeNumber: text("employee_number"),
    startedOn: date("started_on").notNull(),
    endedOn: date("ended_on"),
  },
  (table) => [index("membership_person_idx").on(table.personId), index("membership_organisation_idx").on(table.organisationId)],
);

export type PersonRow = typeof persons.$inferSelect;
export type OrganisationRow = typeof organisations.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
