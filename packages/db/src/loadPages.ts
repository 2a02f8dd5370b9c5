import { and, eq, getTableColumns, gt, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./createDatabase.ts";

/** One page of one parent's list: `first` items after the item with id `after` (null: from the start). */
export interface PageKey {
  parentId: string;
  first: number;
  after: string | null;
}

export interface Page<R> {
  nodes: R[];
  hasNextPage: boolean;
}

/** A list's order: columns, each ascending or descending, ending with a unique one (the id). */
export type KeysetOrder = readonly { column: PgColumn | SQL; direction: "asc" | "desc" }[];

/**
 * A DataLoader batch function for pages of lists (keyset pagination). Keys asking for the same
 * page size after the same cursor, usually every parent of one field in a request, share one
 * `fetch`, so a page of N parents' lists costs a constant number of queries, not N. `fetch` is
 * asked for `first + 1` rows per parent: the extra one only tells whether there is a next page.
 */
export async function loadPages<R>(
  keys: readonly PageKey[],
  fetch: (parentIds: string[], limit: number, after: string | null) => Promise<{ parentId: string; row: R }[]>,
): Promise<Page<R>[]> {
  const groups = new Map<string, PageKey[]>();
  for (const key of keys) {
    const group = JSON.stringify([key.first, key.after]);
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const pages = new Map<PageKey, Page<R>>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const { first, after } = group[0]!;
      const rows = await fetch([...new Set(group.map((key) => key.parentId))], first + 1, after);
      const byParent = new Map<string, R[]>();
      for (const { parentId, row } of rows) byParent.set(parentId, [...(byParent.get(parentId) ?? []), row]);
      for (const key of group) {
        const own = byParent.get(key.parentId) ?? [];
        pages.set(key, { nodes: own.slice(0, first), hasNextPage: own.length > first });
      }
    }),
  );
  return keys.map((key) => pages.get(key)!);
}

/** `row_number()` of a row within its parent's list, in the list's order: keep those up to the limit. */
export function rankWithin(parent: PgColumn | SQL, order: KeysetOrder): SQL<number> {
  const terms = sql.join(order.map(({ column, direction }) => sql`${column} ${sql.raw(direction)}`), sql`, `);
  return sql<number>`row_number() over (partition by ${parent} order by ${terms})`;
}

/**
 * Rows strictly after the row whose order values are `values`, in `order` (which may mix
 * directions): `a after x, or a = x and (b after y, or ...)`. Built from drizzle's operators so
 * every value is mapped and typed by its column.
 */
export function keysetAfter(order: KeysetOrder, values: readonly unknown[]): SQL {
  const [head, ...rest] = order;
  if (!head) throw new Error("keysetAfter needs an order");
  const value = values[0];
  const beyond = head.direction === "asc" ? gt(head.column as PgColumn, value) : lt(head.column as PgColumn, value);
  if (rest.length === 0) return beyond;
  return or(beyond, and(eq(head.column as PgColumn, value), keysetAfter(rest, values.slice(1))))!;
}

export interface PagedList<T extends PgTable> {
  table: T;
  /** What names the list a row belongs to (the person, the program): a column, or a correlated subquery. */
  parent: PgColumn | SQL;
  /** The list's order over the table's rows (columns or correlated subqueries), ending with its unique id. */
  order: KeysetOrder;
  id: PgColumn;
  /** Rows of the table that are not in the list at all (work trips: no private trip is loaded). */
  filter?: SQL;
  /**
   * Where `parent` is a correlated subquery no index serves, a condition an index does serve
   * that keeps every row of these parents' lists (compliance entries of these programs'
   * exercises): without it the database computes `parent` for every row of the table.
   */
  narrow?: (parentIds: string[]) => SQL;
}

/**
 * Up to `limit` rows of each parent's list, after the row `after`: one query for all the
 * parents, ranking each parent's rows with a window function, plus one to find where `after`
 * stands. A cursor of a row that is gone, or of another parent's list, ends the list: the
 * answer never tells whether such a row exists.
 */
export async function selectPage<T extends PgTable>(
  db: Database,
  list: PagedList<T>,
  parentIds: string[],
  limit: number,
  after: string | null,
): Promise<{ parentId: string; row: T["$inferSelect"] }[]> {
  let beyond: SQL | undefined;
  if (after !== null) {
    const keys = Object.fromEntries(list.order.map(({ column }, index) => [`k${index}`, column as PgColumn]));
    const [cursor] = (await db.select({ parent: list.parent as PgColumn, ...keys }).from(list.table as PgTable).where(eq(list.id, after))) as Record<string, unknown>[];
    if (!cursor || !parentIds.includes(cursor.parent as string)) return [];
    parentIds = [cursor.parent as string];
    beyond = keysetAfter(list.order, list.order.map((_, index) => cursor[`k${index}`]));
  }
  // Typed as any table: drizzle's generic select types do not follow a generic table.
  const table = list.table as PgTable;
  const ranked = db
    .select({ ...getTableColumns(table), pageParent: sql<string>`${list.parent}`.as("page_parent"), rank: rankWithin(list.parent, list.order).as("page_rank") })
    .from(table)
    .where(and(list.narrow?.(parentIds), inArray(list.parent as SQL, parentIds), list.filter, beyond))
    .as("ranked");
  const rows = (await db.select().from(ranked).where(lte(ranked.rank, limit)).orderBy(ranked.rank)) as (T["$inferSelect"] & { pageParent: string; rank: unknown })[];
  return rows.map(({ pageParent, rank: _, ...row }) => ({ parentId: pageParent, row: row as T["$inferSelect"] }));
}
