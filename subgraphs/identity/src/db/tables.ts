import { date, index, integer, pgSchema, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

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

/** A person's second factor: the phone one-time codes go to, once verified, and one being enrolled. */
export const secondFactors = identity.table("second_factor", {
  personId: text("person_id").primaryKey(),
  /** Enrolled and verified by a code. */
  phone: text("phone"),
  phoneVerifiedAt: timestamp("phone_verified_at", { withTimezone: true }),
  /** Being enrolled: codes go here until the enrolment is confirmed. */
  pendingPhone: text("pending_phone"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const otpPurpose = identity.enum("otp_purpose", ["enrol_phone", "login"]);
export const otpChannel = identity.enum("otp_channel", ["sms", "email"]);

/** A one-time code sent to a person. Only its HMAC is kept, never the code. */
export const otpChallenges = identity.table(
  "otp_challenge",
  {
    id: text("id").primaryKey(),
    personId: text("person_id").notNull(),
    purpose: otpPurpose("purpose").notNull(),
    channel: otpChannel("channel").notNull(),
    codeHash: text("code_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    /**
     * When sending its code failed. The row is kept, so the attempt still counts toward the
     * person's limit on codes (a number the partner refuses cannot be tried without end), but
     * the challenge can never be verified. Like every challenge that can matter no more, it is
     * removed by the person's next start once it has left the counting window (startChallenge).
     */
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("otp_challenge_person_idx").on(table.personId)],
);

export type PersonRow = typeof persons.$inferSelect;
export type OrganisationRow = typeof organisations.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
export type SecondFactorRow = typeof secondFactors.$inferSelect;
export type OtpChallengeRow = typeof otpChallenges.$inferSelect;
