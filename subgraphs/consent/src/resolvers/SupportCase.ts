import { toGraphQLEnum } from "@grondslag/server";
import type { SupportCaseRow } from "../db/tables.ts";
import type { SupportCaseResolvers } from "../generated/resolvers.ts";

export const SupportCase = {
  kind: (supportCase: SupportCaseRow) => toGraphQLEnum(supportCase.kind),
} satisfies SupportCaseResolvers;
