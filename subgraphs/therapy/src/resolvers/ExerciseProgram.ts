import { badUserInput, readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import type { TherapyContext } from "../context.ts";
import type { ExerciseProgramRow } from "../db/tables.ts";
import type { ExerciseProgramResolvers } from "../generated/resolvers.ts";

export const ExerciseProgram = {
  careRelationship: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) =>
    loaders.careRelationship.load(program.careRelationshipId),
  exercises: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) => loaders.exercisesOfProgram.load(program.id),
  compliance: async (program: ExerciseProgramRow, args: PageArgs & { performedFrom?: string | null; performedBefore?: string | null }, { loaders }: TherapyContext) => {
    const { performedFrom, performedBefore } = args;
    if (performedFrom && performedBefore && performedFrom >= performedBefore) throw badUserInput("performedBefore must be a later day than performedFrom.", "performedBefore");
    const range = { ...(performedFrom ? { from: performedFrom } : {}), ...(performedBefore ? { before: performedBefore } : {}) };
    return toConnection(await loaders.complianceOfProgram(range).load({ parentId: program.id, ...readPageArgs(args) }), (entry) => entry.id);
  },
} satisfies ExerciseProgramResolvers;
