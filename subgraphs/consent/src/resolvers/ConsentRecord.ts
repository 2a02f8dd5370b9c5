import type { ConsentContext } from "../context.ts";
import type { ConsentRecordRow } from "../db/tables.ts";
import { getConsentState } from "../getConsentState.ts";

export const ConsentRecord = {
  purpose: (record: ConsentRecordRow, _: unknown, { loaders }: ConsentContext) => loaders.purpose.load(record.purposeId),
  lawfulBasis: (record: ConsentRecordRow) => record.lawfulBasis.toUpperCase(),
  state: (record: ConsentRecordRow, _: unknown, { now }: ConsentContext) => getConsentState(record, now).toUpperCase(),
  method: (record: ConsentRecordRow) => record.method.toUpperCase(),
  active: (record: ConsentRecordRow, _: unknown, { now }: ConsentContext) => getConsentState(record, now) === "given",
};
