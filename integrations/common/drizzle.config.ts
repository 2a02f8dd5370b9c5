import { defineConfig } from "drizzle-kit";

// Generates the partner outbox's migrations from its table; they are committed and checked for drift.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/outbox/tables.ts",
  out: "./drizzle",
  schemaFilter: ["partner_outbox"],
});
