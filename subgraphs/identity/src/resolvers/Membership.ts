import { toGraphQLEnum } from "@grondslag/server";
import type { IdentityContext } from "../context.ts";
import type { MembershipRow } from "../db/tables.ts";
import type { MembershipResolvers } from "../generated/resolvers.ts";

export const Membership = {
  person: (membership: MembershipRow, _: unknown, { loaders }: IdentityContext) => loaders.person.load(membership.personId),
  organisation: (membership: MembershipRow, _: unknown, { loaders }: IdentityContext) =>
    loaders.organisation.load(membership.organisationId),
  role: (membership: MembershipRow) => toGraphQLEnum(membership.role),
} satisfies MembershipResolvers;
