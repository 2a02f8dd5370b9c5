import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import type { TherapyContext } from "../context.ts";
import type { ExerciseProgramRow } from "../db/tables.ts";
import type { ExerciseProgramResolvers } from "../generated/resolvers.ts";

export const ExerciseProgram = {
  careRelationship: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) =>
    loaders.careRelationship.load(program.careRelationshipId),
  exercises: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) => loaders.exercisesOfProgram.load(program.id),
  compliance: async (program: ExerciseProgramRow, args: PageArgs, { loaders }: TherapyContext) =>
    toConnection(await loaders.complianceOfProgram.load({ parentId: program.id, ...readPageArgs(args) }), (entry) => entry.id),
} satisfies ExerciseProgramResolvers;
