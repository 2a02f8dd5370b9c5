import type { TherapyContext } from "../context.ts";
import type { ExerciseProgramRow } from "../db/tables.ts";
import type { ExerciseProgramResolvers } from "../generated/resolvers.ts";

export const ExerciseProgram = {
  careRelationship: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) =>
    loaders.careRelationship.load(program.careRelationshipId),
  exercises: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) => loaders.exercisesOfProgram.load(program.id),
  compliance: (program: ExerciseProgramRow, _: unknown, { loaders }: TherapyContext) => loaders.complianceOfProgram.load(program.id),
} satisfies ExerciseProgramResolvers;
