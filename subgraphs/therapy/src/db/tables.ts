import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgSchema, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Everything therapy owns lives in the `therapy` Postgres schema; no other subgraph reads it.
 * Person ids (`person_id`, `patient_id`) point into identity, so they carry no foreign key.
 */
export const therapy = pgSchema("therapy");

/** A practice's id is its organisation id in identity, so both sides name it the same way. */
export const practices = therapy.table("practice", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  city: text("city").notNull(),
  country: text("country").notNull(),
});

export const therapists = therapy.table(
  "therapist",
  {
    id: text("id").primaryKey(),
    personId: text("person_id").notNull(),
    practiceId: text("practice_id")
      .notNull()
      .references(() => practices.id),
    profession: text("profession").notNull(),
    registrationNumber: text("registration_number"),
  },
  (table) => [index("therapist_person_idx").on(table.personId), index("therapist_practice_idx").on(table.practiceId)],
);

export const careRelationships = therapy.table(
  "care_relationship",
  {
    id: text("id").primaryKey(),
    therapistId: text("therapist_id")
      .notNull()
      .references(() => therapists.id),
    patientId: text("patient_id").notNull(),
    startedOn: date("started_on").notNull(),
    endedOn: date("ended_on"),
  },
  (table) => [
    index("care_relationship_therapist_idx").on(table.therapistId),
    index("care_relationship_patient_idx").on(table.patientId),
  ],
);

export const exercisePrograms = therapy.table(
  "exercise_program",
  {
    id: text("id").primaryKey(),
    careRelationshipId: text("care_relationship_id")
      .notNull()
      .references(() => careRelationships.id),
    // Copied from the care relationship so a person's programs are found without a join.
    patientId: text("patient_id").notNull(),
    title: text("title").notNull(),
    goal: text("goal"),
    startedOn: date("started_on").notNull(),
    endsOn: date("ends_on"),
  },
  (table) => [
    index("exercise_program_care_relationship_idx").on(table.careRelationshipId),
    index("exercise_program_patient_idx").on(table.patientId),
  ],
);

export const exercises = therapy.table(
  "exercise",
  {
    id: text("id").primaryKey(),
    programId: text("program_id")
      .notNull()
      .references(() => exercisePrograms.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    instructions: text("instructions").notNull(),
    sets: integer("sets").notNull(),
    repetitions: integer("repetitions").notNull(),
  },
  (table) => [uniqueIndex("exercise_position_key").on(table.programId, table.position)],
);

export const complianceEntries = therapy.table(
  "compliance_entry",
  {
    id: text("id").primaryKey(),
    exerciseId: text("exercise_id")
      .notNull()
      .references(() => exercises.id),
    patientId: text("patient_id").notNull(),
    performedOn: date("performed_on").notNull(),
    done: boolean("done").notNull(),
    painScore: integer("pain_score"),
    effortScore: integer("effort_score"),
  },
  (table) => [
    // One report per exercise per day; this index also serves look-ups by exercise.
    uniqueIndex("compliance_entry_exercise_day_key").on(table.exerciseId, table.performedOn),
    index("compliance_entry_patient_idx").on(table.patientId),
    check("compliance_entry_pain_score_range", sql`${table.painScore} between 0 and 10`),
    check("compliance_entry_effort_score_range", sql`${table.effortScore} between 0 and 10`),
  ],
);

export type PracticeRow = typeof practices.$inferSelect;
export type TherapistRow = typeof therapists.$inferSelect;
export type CareRelationshipRow = typeof careRelationships.$inferSelect;
export type ExerciseProgramRow = typeof exercisePrograms.$inferSelect;
export type ExerciseRow = typeof exercises.$inferSelect;
export type ComplianceEntryRow = typeof complianceEntries.$inferSelect;
