import type { TherapyContext } from "../context.ts";
import type { ComplianceEntryRow } from "../db/tables.ts";
import type { ComplianceEntryResolvers } from "../generated/resolvers.ts";

export const ComplianceEntry = {
  exercise: (entry: ComplianceEntryRow, _: unknown, { loaders }: TherapyContext) => loaders.exercise.load(entry.exerciseId),
} satisfies ComplianceEntryResolvers;
