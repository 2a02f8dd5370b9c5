import { toGraphQLEnum } from "@grondslag/server";
import type { IdentityContext } from "../context.ts";
import type { OrganisationRow } from "../db/tables.ts";
import type { OrganisationResolvers } from "../generated/resolvers.ts";

export const Organisation = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) => loaders.organisation.load(reference.id),
  kind: (organisation: OrganisationRow) => toGraphQLEnum(organisation.kind),
} satisfies OrganisationResolvers;
