import type { PurposeRow } from "../db/tables.ts";

export const ConsentPurpose = {
  lawfulBasis: (purpose: PurposeRow) => purpose.lawfulBasis.toUpperCase(),
};
