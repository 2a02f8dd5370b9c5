import type { SupportCaseRow } from "../db/tables.ts";

export const SupportCase = {
  kind: (supportCase: SupportCaseRow) => supportCase.kind.toUpperCase(),
};
