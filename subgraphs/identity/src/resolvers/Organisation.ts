import { readPageArgs, toConnection, toGraphQLEnum, type PageArgs } from "@grondslag/server";
import type { IdentityContext } from "../context.ts";
import type { OrganisationRow } from "../db/tables.ts";
import type { OrganisationResolvers } from "../generated/resolvers.ts";

export const Organisation = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) => loaders.organisation.load(reference.id),
  kind: (organisation: OrganisationRow) => toGraphQLEnum(organisation.kind),
  // Who may read the list is the field's policy (`administers-organisation`); who is in it, the loader's filter.
  members: async (organisation: OrganisationRow, args: PageArgs, { loaders, policy }: IdentityContext) =>
    toConnection(await loaders.membersOfOrganisation(policy.today).load({ parentId: organisation.id, ...readPageArgs(args) }), (membership) => membership.id),
} satisfies OrganisationResolvers;
