export { getTestDatabase, getTestDatabaseUrl, resetDatabase } from "./getTestDatabase.ts";
export type { TestDatabase } from "./getTestDatabase.ts";
