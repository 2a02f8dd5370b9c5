import type { Database } from "@grondslag/db";
import { GraphQLError } from "graphql";
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

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });

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
      const parsed = complianceReport.safeParse(args);
      if (!parsed.success) throw badInput(parsed.error.issues.map((issue) => issue.message).join("; "));
      const { exerciseId, performedOn, done, painScore = null, effortScore = null } = parsed.data;
      // A report is of an exercise done: never of a day still to come (in the Netherlands and Belgium).
      if (performedOn > context.today) throw badInput("performedOn must not be after today");
      const { loaders } = context;

      const exercise = await loaders.exercise.load(exerciseId);
      const program = exercise ? await loaders.program.load(exercise.programId) : undefined;
      if (!exercise || !program) throw badInput("No exercise with that id.");
      // Nor of a day before the program began: it would sit at the head of the therapist's oldest-first list.
      if (performedOn < program.startedOn) throw badInput("performedOn must not be before the program started");

      // One report per exercise per day: a second report replaces the first, scores included.
      const [entry] = await db
        .insert(complianceEntries)
        .values({ id: crypto.randomUUID(), exerciseId, patientId: program.patientId, performedOn, done, painScore, effortScore })
        .onConflictDoUpdate({ target: [complianceEntries.exerciseId, complianceEntries.performedOn], set: { done, painScore, effortScore } })
        .returning();
      // Any page of this request may now be stale; pages are cached by program, size and cursor.
      loaders.complianceOfProgram.clearAll();
      return entry;
    },
  } satisfies MutationResolvers;
}
