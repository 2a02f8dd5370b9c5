import type { TherapyContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";

/** identity owns Person; therapy adds the care a person receives as a patient, and gives as a therapist. */
export const Person = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  carePrograms: (person: { id: string }, _: unknown, { loaders }: TherapyContext) => loaders.programsOfPatient.load(person.id),
  careRelationships: (person: { id: string }, _: unknown, { loaders }: TherapyContext) =>
    loaders.careRelationshipsOfPatient.load(person.id),
  treating: (person: { id: string }, _: unknown, { loaders }: TherapyContext) => loaders.careRelationshipsOfTherapistPerson.load(person.id),
} satisfies PersonResolvers;
