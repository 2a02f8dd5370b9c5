export { createDatabase } from "./createDatabase.ts";
export type { Database, DatabaseHandle, DatabaseOptions } from "./createDatabase.ts";
export { byKey, groupByKey } from "./batch.ts";
export { queryRows } from "./queryRows.ts";
export { keysetAfter, loadPages, rankWithin } from "./loadPages.ts";
export type { KeysetOrder, Page, PageKey } from "./loadPages.ts";
export { createSubgraphStore } from "./createSubgraphStore.ts";
export type { SubgraphStoreOptions } from "./createSubgraphStore.ts";
