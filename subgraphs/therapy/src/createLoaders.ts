import { byKey, groupByKey, loadPages, selectPage, type Database, type Page, type PagedList, type PageKey } from "@grondslag/db";
import DataLoader from "dataloader";
import { and, eq, gte, inArray, lt } from "drizzle-orm";
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
import { SettledLoader } from "@grondslag/policy";

/** Days of compliance reports: from `from` up to, not including, `before` (YYYY-MM-DD, checked by the Date scalar). */
export interface DayRange {
  from?: string;
  before?: string;
}

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  const complianceLoaders = new Map<string, DataLoader<PageKey, Page<ComplianceEntryRow>, string>>();
  const exercise = new SettledLoader<string, ExerciseRow | undefined>(async (ids) =>
    byKey(ids, await db.select().from(exercises).where(inArray(exercises.id, [...ids])), (row) => row.id),
  );

  // A program by id: whom an Exercise (or a compliance report for one) is about is its program's patient.
  const program = new SettledLoader<string, ExerciseProgramRow | undefined>(async (ids) =>
    byKey(ids, await db.select().from(exercisePrograms).where(inArray(exercisePrograms.id, [...ids])), (row) => row.id),
  );

  // Whose record a therapy row is (controllersOf.ts): the practice of the therapist of the care
  // relationship it hangs off, one join for all the rows a request asks about. A row that is not
  // there is controlled by nobody (an empty list).
  const practiceOfRelationship = new DataLoader<string, readonly string[]>(async (ids) =>
    practicesByKey(
      ids,
      await db
        .select({ id: careRelationships.id, practiceId: therapists.practiceId })
        .from(careRelationships)
        .innerJoin(therapists, eq(therapists.id, careRelationships.therapistId))
        .where(inArray(careRelationships.id, [...ids])),
    ),
  );
  const practiceOfProgram = new SettledLoader<string, readonly string[]>(async (ids) =>
    practicesByKey(
      ids,
      await db
        .select({ id: exercisePrograms.id, practiceId: therapists.practiceId })
        .from(exercisePrograms)
        .innerJoin(careRelationships, eq(careRelationships.id, exercisePrograms.careRelationshipId))
        .innerJoin(therapists, eq(therapists.id, careRelationships.therapistId))
        .where(inArray(exercisePrograms.id, [...ids])),
    ),
  );
  // An exercise's practice is its program's: the exercise rows a list loaded are primed, so this costs no query of its own.
  const practiceOfExercise = new DataLoader<string, readonly string[]>((ids) =>
    Promise.all(ids.map(async (id) => {
      const row = await exercise.load(id);
      return row ? practiceOfProgram.load(row.programId) : CONTROLLED_BY_NOBODY;
    })),
  );

  return {
    practiceOfRelationship,
    practiceOfProgram,
    practiceOfExercise,
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
    // A therapist's own care relationships (by the therapist's person id, at any of their
    // practices); the practice of each is primed, so deciding whose record it is costs no query.
    careRelationshipsOfTherapistPerson: new DataLoader<string, CareRelationshipRow[]>(async (personIds) => {
      const rows = await db
        .select({ relationship: careRelationships, personId: therapists.personId, practiceId: therapists.practiceId })
        .from(careRelationships)
        .innerJoin(therapists, eq(therapists.id, careRelationships.therapistId))
        .where(inArray(therapists.personId, [...personIds]))
        .orderBy(careRelationships.startedOn, careRelationships.id);
      for (const row of rows) practiceOfRelationship.prime(row.relationship.id, [row.practiceId]);
      return groupByKey(personIds, rows, (row) => row.personId).map((found) => found.map((row) => row.relationship));
    }),
    // The programs it returns are primed, so finding whom their exercises are about costs no
    // query; so is the practice each belongs to (whose record it is: controllersOf.ts), read by
    // the same statement through the program's care relationship.
    programsOfPatient: new DataLoader<string, ExerciseProgramRow[]>(async (patientIds) => {
      const rows = await db
        .select({ program: exercisePrograms, practiceId: therapists.practiceId })
        .from(exercisePrograms)
        .leftJoin(careRelationships, eq(careRelationships.id, exercisePrograms.careRelationshipId))
        .leftJoin(therapists, eq(therapists.id, careRelationships.therapistId))
        .where(inArray(exercisePrograms.patientId, [...patientIds]))
        .orderBy(exercisePrograms.startedOn, exercisePrograms.id);
      for (const { program: row, practiceId } of rows) {
        program.prime(row.id, row);
        practiceOfProgram.prime(row.id, practiceId === null ? CONTROLLED_BY_NOBODY : [practiceId]);
      }
      return groupByKey(
        patientIds,
        rows.map(({ program: row }) => row),
        (row) => row.patientId,
      );
    }),
    program,
    exercise,
    exercisesOfProgram: new DataLoader<string, ExerciseRow[]>(async (programIds) => {
      const rows = await db.select().from(exercises).where(inArray(exercises.programId, [...programIds])).orderBy(exercises.position);
      for (const row of rows) exercise.prime(row.id, row);
      return groupByKey(programIds, rows, (row) => row.programId);
    }),
    // A page of each program's reports (within a range of days, when one is asked), and the
    // exercises they report on, primed so that `ComplianceEntry.exercise` costs no query: two
    // queries a page, however many programs. One loader per range: the range is part of the
    // list's filter, so a cursor belongs to its range.
    complianceOfProgram: (range: DayRange = {}): DataLoader<PageKey, Page<ComplianceEntryRow>, string> => {
      const key = `${range.from ?? ""}|${range.before ?? ""}`;
      let loader = complianceLoaders.get(key);
      if (!loader) {
        const filter = and(range.from ? gte(complianceEntries.performedOn, range.from) : undefined, range.before ? lt(complianceEntries.performedOn, range.before) : undefined);
        const list = filter ? { ...COMPLIANCE, filter } : COMPLIANCE;
        loader = new DataLoader<PageKey, Page<ComplianceEntryRow>, string>(
          (keys) =>
            loadPages(keys, async (ids, limit, after) => {
              const entries = await selectPage(db, list, ids, limit, after);
              const exerciseIds = [...new Set(entries.map(({ row }) => row.exerciseId))];
              if (exerciseIds.length > 0) {
                for (const row of await db.select().from(exercises).where(inArray(exercises.id, exerciseIds))) exercise.prime(row.id, row);
              }
              return entries;
            }),
          { cacheKeyFn: (pageKey) => JSON.stringify([pageKey.parentId, pageKey.first, pageKey.after]) },
        );
        complianceLoaders.set(key, loader);
      }
      return loader;
    },
    /** After a report is written: every range's pages read again. */
    forgetCompliance: () => complianceLoaders.clear(),
  };
}

const CONTROLLED_BY_NOBODY: readonly string[] = Object.freeze([]);

function practicesByKey(ids: readonly string[], rows: { id: string; practiceId: string }[]): (readonly string[])[] {
  const found = new Map(rows.map((row) => [row.id, [row.practiceId]]));
  return ids.map((id) => found.get(id) ?? CONTROLLED_BY_NOBODY);
}

/**
 * By day, then in the program's exercise order; the id keeps the order, and so every page, stable.
 * Compliance rows know their exercise, not their program: the list joins each entry to its
 * exercise, so a page is the programs' exercises by their (program, position) index, then their
 * entries by the (exercise, day) one.
 */
const COMPLIANCE = {
  table: complianceEntries,
  join: { table: exercises, on: eq(exercises.id, complianceEntries.exerciseId) },
  parent: exercises.programId,
  id: complianceEntries.id,
  order: [
    { column: complianceEntries.performedOn, direction: "asc" },
    { column: exercises.position, direction: "asc" },
    { column: complianceEntries.id, direction: "asc" },
  ],
} satisfies PagedList<typeof complianceEntries>;

export type Loaders = ReturnType<typeof createLoaders>;
