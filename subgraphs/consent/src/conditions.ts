import type { Condition } from "@grondslag/policy";
import type { SupportCaseRow } from "./db/tables.ts";

const isOpenCase: Condition = (supportCase) => (supportCase as SupportCaseRow).closedAt === null;

/** Record conditions consent's policies name; about the record, never about the caller. */
export const conditions = {
  "open-case": {
    description: "the support case or data-subject request is still open (not closed)",
    evaluate: isOpenCase,
  },
};
