import type { DisclosureRow } from "../db/tables.ts";

export const Disclosure = {
  outcome: (disclosure: DisclosureRow) => disclosure.outcome.toUpperCase(),
};
