import type { InstructedReadRow } from "../db/tables.ts";

export const InstructedRead = {
  access: (read: InstructedReadRow) => read.access.toUpperCase(),
};
