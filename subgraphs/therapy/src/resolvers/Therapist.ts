import type { TherapyContext } from "../context.ts";
import type { TherapistRow } from "../db/tables.ts";
import type { TherapistResolvers } from "../generated/resolvers.ts";

export const Therapist = {
  __resolveReference: (reference: { id: string }, { loaders }: TherapyContext) => loaders.therapist.load(reference.id),
  // A reference: identity resolves the person's own fields.
  person: (therapist: TherapistRow) => ({ id: therapist.personId }),
  practice: (therapist: TherapistRow, _: unknown, { loaders }: TherapyContext) => loaders.practice.load(therapist.practiceId),
} satisfies TherapistResolvers;
