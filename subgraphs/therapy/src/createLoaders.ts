import { byKey, groupByKey, type Database } from "@grondslag/db";
import DataLoader from "dataloader";
import { eq, inArray } from "drizzle-orm";
import {
  careRelationships,
  complianceEntries,
  exercisePrograms,
  exercises,
  practices,
  therapists,
  type CareRelationshipRow,
  type ComplianceEntryRow,
  type ExerciseProgramRow,
  type ExerciseRow,
  type PracticeRow,
  type TherapistRow,
} from "./db/tables.ts";

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  const exercise = new DataLoader<string, ExerciseRow | undefined>(async (ids) =>
    byKey(ids, await db.select().from(exercises).where(inArray(exercises.id, [...ids])), (row) => row.id),
  );

  // A program by id: whom an Exercise (or a compliance report for one) is about is its program's patient.
  const program = new DataLoader<string, ExerciseProgramRow | undefined>(async (ids) =>
    byKey(ids, await db.select().from(exercisePrograms).where(inArray(exercisePrograms.id, [...ids])), (row) => row.id),
  );

  return {
    practice: new DataLoader<string, PracticeRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(practices).where(inArray(practices.id, [...ids])), (row) => row.id),
    ),
    therapist: new DataLoader<string, TherapistRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(therapists).where(inArray(therapists.id, [...ids])), (row) => row.id),
    ),
    therapistsOfPractice: new DataLoader<string, TherapistRow[]>(async (practiceIds) =>
      groupByKey(
        practiceIds,
        await db.select().from(therapists).where(inArray(therapists.practiceId, [...practiceIds])).orderBy(therapists.id),
        (row) => row.practiceId,
      ),
    ),
    careRelationship: new DataLoader<string, CareRelationshipRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(careRelationships).where(inArray(careRelationships.id, [...ids])), (row) => row.id),
    ),
    careRelationshipsOfPatient: new DataLoader<string, CareRelationshipRow[]>(async (patientIds) =>
      groupByKey(
        patientIds,
        await db
          .select()
          .from(careRelationships)
          .where(inArray(careRelationships.patientId, [...patientIds]))
          .orderBy(careRelationships.startedOn, careRelationships.id),
        (row) => row.patientId,
      ),
    ),
    // The programs it returns are primed, so finding whom their exercises are about costs no query.
    programsOfPatient: new DataLoader<string, ExerciseProgramRow[]>(async (patientIds) => {
      const rows = await db
        .select()
        .from(exercisePrograms)
        .where(inArray(exercisePrograms.patientId, [...patientIds]))
        .orderBy(exercisePrograms.startedOn, exercisePrograms.id);
      for (const row of rows) program.prime(row.id, row);
      return groupByKey(patientIds, rows, (row) => row.patientId);
    }),
    program,
    exercise,
    exercisesOfProgram: new DataLoader<string, ExerciseRow[]>(async (programIds) => {
      const rows = await db.select().from(exercises).where(inArray(exercises.programId, [...programIds])).orderBy(exercises.position);
      for (const row of rows) exercise.prime(row.id, row);
      return groupByKey(programIds, rows, (row) => row.programId);
    }),
    // Compliance rows know their exercise, not their program: the join finds the program, and
    // the exercises it returns are primed so `ComplianceEntry.exercise` costs no further query.
    complianceOfProgram: new DataLoader<string, ComplianceEntryRow[]>(async (programIds) => {
      const rows = await db
        .select({ entry: complianceEntries, exercise: exercises })
        .from(complianceEntries)
        .innerJoin(exercises, eq(complianceEntries.exerciseId, exercises.id))
        .where(inArray(exercises.programId, [...programIds]))
        .orderBy(complianceEntries.performedOn, exercises.position);
      for (const row of rows) exercise.prime(row.exercise.id, row.exercise);
      return groupByKey(programIds, rows, (row) => row.exercise.programId).map((group) => group.map((row) => row.entry));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
