import type { Database } from "@grondslag/db";
import { badUserInput, parseArguments } from "@grondslag/server";
import { z } from "zod";
import type { TherapyContext } from "../context.ts";
import { complianceEntries, exercisePrograms, exercises } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";

const score = (name: string) =>
  z.number().int(`${name} must be a whole number`).min(0, `${name} must be 0 to 10`).max(10, `${name} must be 0 to 10`).nullish();

const complianceReport = z.object({
  exerciseId: z.string().min(1, "exerciseId must not be empty"),
  performedOn: z.iso.date("performedOn must be a calendar day, YYYY-MM-DD"),
  done: z.boolean(),
  painScore: score("painScore"),
  effortScore: score("effortScore"),
});


const text = (name: string, max: number) => z.string().trim().min(1, `${name} must not be empty`).max(max, `${name} must be at most ${max} characters`);
const count = (name: string, max: number) => z.number().int(`${name} must be a whole number`).min(1, `${name} must be 1 to ${max}`).max(max, `${name} must be 1 to ${max}`);

const newProgram = z
  .object({
    careRelationshipId: z.string().min(1, "careRelationshipId must not be empty"),
    title: text("title", 200),
    goal: z.string().trim().max(2000, "goal must be at most 2000 characters").nullish(),
    startedOn: z.iso.date("startedOn must be a calendar day, YYYY-MM-DD"),
    endsOn: z.iso.date("endsOn must be a calendar day, YYYY-MM-DD").nullish(),
    exercises: z
      .array(z.object({ name: text("name", 200), instructions: z.string().trim().max(2000, "instructions must be at most 2000 characters"), sets: count("sets", 20), repetitions: count("repetitions", 100) }))
      .min(1, "exercises must hold 1 to 30 exercises")
      .max(30, "exercises must hold 1 to 30 exercises"),
  })
  .refine((program) => !program.endsOn || program.endsOn >= program.startedOn, { message: "endsOn must not be before startedOn", path: ["endsOn"] });

/** The calendar day `days` after `day` (YYYY-MM-DD). */
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The patient of a care relationship; null when there is no such relationship. */
export async function patientOfRelationship(relationshipId: string, { loaders }: TherapyContext): Promise<string | null> {
  return (await loaders.careRelationship.load(relationshipId))?.patientId ?? null;
}

/** The patient of the program an exercise belongs to; null when there is no such exercise. */
export async function patientOfExercise(exerciseId: string, { loaders }: TherapyContext): Promise<string | null> {
  const exercise = await loaders.exercise.load(exerciseId);
  return exercise ? ((await loaders.program.load(exercise.programId))?.patientId ?? null) : null;
}

export function createMutation(db: Database) {
  return {
    // Access was decided before this runs, from the `write` policies of ComplianceEntry.done,
    // painScore and effortScore, for the patient of the exercise's program.
    recordCompliance: async (_: unknown, args: unknown, context: TherapyContext) => {
      const { exerciseId, performedOn, done, painScore = null, effortScore = null } = parseArguments(complianceReport, args);
      // A report is of an exercise done: never of a day still to come (in the Netherlands and Belgium).
      if (performedOn > context.today) throw badUserInput("performedOn must not be after today", "performedOn");
      const { loaders } = context;

      const exercise = await loaders.exercise.load(exerciseId);
      const program = exercise ? await loaders.program.load(exercise.programId) : undefined;
      if (!exercise || !program) throw badUserInput("No exercise with that id.", "exerciseId");
      // Nor of a day before the program began: it would sit at the head of the therapist's oldest-first list.
      if (performedOn < program.startedOn) throw badUserInput("performedOn must not be before the program started", "performedOn");

      // One report per exercise per day: a second report replaces the first, scores included.
      const [entry] = await db
        .insert(complianceEntries)
        .values({ id: crypto.randomUUID(), exerciseId, patientId: program.patientId, performedOn, done, painScore, effortScore })
        .onConflictDoUpdate({ target: [complianceEntries.exerciseId, complianceEntries.performedOn], set: { done, painScore, effortScore } })
        .returning();
      // Any page of this request may now be stale; pages are cached by program, size and cursor.
      loaders.forgetCompliance();
      return entry;
    },

    // Access was decided before this runs, from the `write` policies of the program's and its
    // exercises' fields (`care-team`), for the patient and practice of the care relationship.
    createExerciseProgram: async (_: unknown, args: unknown, context: TherapyContext) => {
      const { careRelationshipId, title, goal = null, startedOn, endsOn = null, exercises: given } = parseArguments(newProgram, args);
      const relationship = await context.loaders.careRelationship.load(careRelationshipId);
      if (!relationship) throw badUserInput("No care relationship with that id.", "careRelationshipId");
      if (relationship.endedOn !== null && relationship.endedOn <= context.today) throw badUserInput("The care relationship has ended: a new program needs an active one.", "careRelationshipId");
      if (relationship.startedOn > context.today) throw badUserInput("The care relationship has not begun: a new program needs an active one.", "careRelationshipId");
      // A program starts within its relationship, and not more than a year ahead: a start in the
      // year 1 headed the patient's oldest-first lists and let reports be dated back to it.
      if (startedOn < relationship.startedOn) throw badUserInput("startedOn must not be before the care relationship began.", "startedOn");
      if (startedOn > addDays(context.today, 366)) throw badUserInput("startedOn must be within a year from today.", "startedOn");
      if (endsOn && relationship.endedOn !== null && endsOn > relationship.endedOn) throw badUserInput("endsOn must not be after the care relationship ends.", "endsOn");
      const id = crypto.randomUUID();
      const program = await db.transaction(async (tx) => {
        const [row] = await tx.insert(exercisePrograms).values({ id, careRelationshipId, patientId: relationship.patientId, title, goal, startedOn, endsOn }).returning();
        await tx.insert(exercises).values(given.map((exercise, index) => ({ id: crypto.randomUUID(), programId: id, position: index + 1, ...exercise })));
        return row!;
      });
      context.loaders.programsOfPatient.clear(relationship.patientId);
      return program;
    },
  } satisfies MutationResolvers;
}
