export { createDatabase } from "./createDatabase.ts";
export type { Database, DatabaseHandle, DatabaseOptions } from "./createDatabase.ts";
export { byKey, groupByKey } from "./batch.ts";
export { queryPrepared, queryRows } from "./queryRows.ts";
export { keysetAfter, loadPages, rankWithin, selectPage } from "./loadPages.ts";
export type { KeysetOrder, Page, PageKey, PagedList } from "./loadPages.ts";
export { createSubgraphStore } from "./createSubgraphStore.ts";
export type { SubgraphStoreOptions } from "./createSubgraphStore.ts";
