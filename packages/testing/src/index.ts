export { getTestDatabase, resetDatabase, testDatabaseUrl } from "./getTestDatabase.ts";
export type { TestDatabase } from "./getTestDatabase.ts";
