import { defineConfig } from "drizzle-kit";

// Generates this subgraph's migrations from its tables; they are committed and checked for drift.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/tables.ts",
  out: "./drizzle",
  schemaFilter: ["identity"],
});
