import { toGraphQLEnum } from "@grondslag/server";
import type { DisclosureRow } from "../db/tables.ts";
import type { DisclosureResolvers } from "../generated/resolvers.ts";

export const Disclosure = {
  outcome: (disclosure: DisclosureRow) => toGraphQLEnum(disclosure.outcome),
} satisfies DisclosureResolvers;
