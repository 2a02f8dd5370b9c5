import type { TherapyContext } from "../context.ts";
import type { PracticeRow } from "../db/tables.ts";
import type { PracticeResolvers } from "../generated/resolvers.ts";

export const Practice = {
  __resolveReference: (reference: { id: string }, { loaders }: TherapyContext) => loaders.practice.load(reference.id),
  therapists: (practice: PracticeRow, _: unknown, { loaders }: TherapyContext) => loaders.therapistsOfPractice.load(practice.id),
} satisfies PracticeResolvers;
