import { toGraphQLEnum } from "@grondslag/server";
import type { ConsentContext } from "../context.ts";
import type { ConsentRecordRow } from "../db/tables.ts";
import type { ConsentRecordResolvers } from "../generated/resolvers.ts";
import { getConsentState } from "../getConsentState.ts";

export const ConsentRecord = {
  purpose: (record: ConsentRecordRow, _: unknown, { loaders }: ConsentContext) => loaders.purpose.load(record.purposeId),
  lawfulBasis: (record: ConsentRecordRow) => toGraphQLEnum(record.lawfulBasis),
  state: (record: ConsentRecordRow, _: unknown, { now }: ConsentContext) => toGraphQLEnum(getConsentState(record, now)),
  method: (record: ConsentRecordRow) => toGraphQLEnum(record.method),
  active: (record: ConsentRecordRow, _: unknown, { now }: ConsentContext) => getConsentState(record, now) === "given",
} satisfies ConsentRecordResolvers;
