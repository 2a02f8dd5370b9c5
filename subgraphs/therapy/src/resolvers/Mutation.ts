import type { Database } from "@grondslag/db";
import { badUserInput, parseArguments } from "@grondslag/server";
import { z } from "zod";
import type { TherapyContext } from "../context.ts";
import { complianceEntries } from "../db/tables.ts";
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
  } satisfies MutationResolvers;
}
