import type { ConsentContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";

export const Person = {
  // identity owns the person; consent only needs the id to look its records up.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  consents: (person: { id: string }, _: unknown, { loaders }: ConsentContext) => loaders.consentsOfPerson.load(person.id),
  instructedReads: (person: { id: string }, _: unknown, { loaders }: ConsentContext) => loaders.instructedReadsOfPerson.load(person.id),
  supportCases: (person: { id: string }, _: unknown, { loaders }: ConsentContext) => loaders.supportCasesOfPerson.load(person.id),
  disclosures: (person: { id: string }, _: unknown, { loaders }: ConsentContext) => loaders.disclosuresOfPerson.load(person.id),
} satisfies PersonResolvers;
