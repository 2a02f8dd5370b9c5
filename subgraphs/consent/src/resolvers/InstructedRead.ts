import { toGraphQLEnum } from "@grondslag/server";
import type { InstructedReadRow } from "../db/tables.ts";
import type { InstructedReadResolvers } from "../generated/resolvers.ts";

export const InstructedRead = {
  access: (read: InstructedReadRow) => toGraphQLEnum(read.access),
} satisfies InstructedReadResolvers;
