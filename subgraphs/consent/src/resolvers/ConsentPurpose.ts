import { toGraphQLEnum } from "@grondslag/server";
import type { PurposeRow } from "../db/tables.ts";
import type { ConsentPurposeResolvers } from "../generated/resolvers.ts";

export const ConsentPurpose = {
  lawfulBasis: (purpose: PurposeRow) => toGraphQLEnum(purpose.lawfulBasis),
} satisfies ConsentPurposeResolvers;
