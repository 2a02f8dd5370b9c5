import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import type { ConsentContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";

export const Person = {
  // identity owns the person; consent only needs the id to look its records up.
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  consents: (person: { id: string }, _: unknown, { loaders }: ConsentContext) => loaders.consentsOfPerson.load(person.id),
  instructedReads: async (person: { id: string }, args: PageArgs, { loaders }: ConsentContext) =>
    toConnection(await loaders.instructedReadsOfPerson.load({ parentId: person.id, ...readPageArgs(args) }), (read) => read.id),
  supportCases: (person: { id: string }, _: unknown, { loaders }: ConsentContext) => loaders.supportCasesOfPerson.load(person.id),
  disclosures: async (person: { id: string }, args: PageArgs, { loaders }: ConsentContext) =>
    toConnection(await loaders.disclosuresOfPerson.load({ parentId: person.id, ...readPageArgs(args) }), (disclosure) => disclosure.id),
} satisfies PersonResolvers;
