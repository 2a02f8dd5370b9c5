import { byKey, groupByKey, loadPages, selectPage, type Database, type Page, type PagedList, type PageKey } from "@grondslag/db";
import DataLoader from "dataloader";
import { inArray, sql } from "drizzle-orm";
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
    // A page of each program's reports, and the exercises they report on, primed so that
    // `ComplianceEntry.exercise` costs no query: two queries a page, however many programs.
    complianceOfProgram: new DataLoader<PageKey, Page<ComplianceEntryRow>, string>(
      (keys) =>
        loadPages(keys, async (ids, limit, after) => {
          const entries = await selectPage(db, COMPLIANCE, ids, limit, after);
          const exerciseIds = [...new Set(entries.map(({ row }) => row.exerciseId))];
          if (exerciseIds.length > 0) {
            for (const row of await db.select().from(exercises).where(inArray(exercises.id, exerciseIds))) exercise.prime(row.id, row);
          }
          return entries;
        }),
      { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.first, key.after]) },
    ),
  };
}

// Compliance rows know their exercise, not their program: the program, and the exercise's
// place in it, are correlated look-ups of the exercise (by its primary key).
const programOf = sql<string>`(select ${exercises.programId} from ${exercises} where ${exercises.id} = ${complianceEntries.exerciseId})`;
const positionOf = sql<number>`(select ${exercises.position} from ${exercises} where ${exercises.id} = ${complianceEntries.exerciseId})`;

/** By day, then in the program's exercise order; the id keeps the order, and so every page, stable. */
const COMPLIANCE = {
  table: complianceEntries,
  parent: programOf,
  id: complianceEntries.id,
  // The programs' exercises by their (program, position) index, then their entries by the (exercise, day) one.
  narrow: (programIds) => inArray(complianceEntries.exerciseId, sql`(select ${exercises.id} from ${exercises} where ${inArray(exercises.programId, programIds)})`),
  order: [
    { column: complianceEntries.performedOn, direction: "asc" },
    { column: positionOf, direction: "asc" },
    { column: complianceEntries.id, direction: "asc" },
  ],
} satisfies PagedList<typeof complianceEntries>;

export type Loaders = ReturnType<typeof createLoaders>;
