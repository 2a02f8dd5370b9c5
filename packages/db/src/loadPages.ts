import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
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
  /** Asked for after a cursor, and not empty: the cursor's own row comes before these (`PageInfo.hasPreviousPage`). */
  hasPreviousPage: boolean;
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
        const nodes = own.slice(0, first);
        pages.set(key, { nodes, hasNextPage: own.length > first, hasPreviousPage: after !== null && nodes.length > 0 });
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
  /**
   * A table every row of `table` joins exactly one row of (`on`), whose columns `parent` and
   * `order` may name: a compliance entry's exercise, which knows the entry's program and its
   * place in it. `parent` is then a column of `join.table` alone, and the order's terms that are
   * not columns of `table` must be constant within one joined row (an exercise's position), so
   * that each joined row's own rows are in the list's order by `table`'s columns alone.
   *
   * The page is then read as index look-ups, never a scan: the parents' rows of `join.table`
   * (by an index on `parent`), and for each a lateral `limit` of its own rows in order (by an
   * index on the join column and `table`'s first order column); only those are ranked. The
   * first `limit` rows of a parent's list are among the first `limit` of each of its joined rows.
   */
  join?: { table: PgTable; on: SQL };
  /** What names the list a row belongs to (the person, the program): a column, or SQL over `join.table`. */
  parent: PgColumn | SQL;
  /** The list's order over the rows (columns of `table`, or of `join.table`), ending with its unique id. */
  order: KeysetOrder;
  id: PgColumn;
  /** Rows of the table that are not in the list at all (work trips: no private trip is loaded). */
  filter?: SQL;
}

/**
 * Up to `limit` rows of each parent's list, after the row `after`: one query for all the
 * parents, ranking each parent's rows with a window function, plus one to find where `after`
 * stands. A cursor of a row that is gone, of another parent's list, or of a row the list leaves
 * out (`filter`: a private trip in the work trips) ends the list: the answer never tells whether
 * such a row exists, nor where it stands in time.
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
    const cursorQuery = db.select({ parent: list.parent as PgColumn, ...keys }).from(list.table as PgTable).$dynamic();
    const [cursor] = (await (list.join ? cursorQuery.innerJoin(list.join.table, list.join.on) : cursorQuery).where(and(eq(list.id, after), list.filter))) as Record<string, unknown>[];
    if (!cursor || !parentIds.includes(cursor.parent as string)) return [];
    parentIds = [cursor.parent as string];
    const values = list.order.map((_, index) => cursor[`k${index}`]);
    beyond = keysetAfter(list.order, values);
    // Implied by `beyond`, but in a form an index range serves: the first order column's bound.
    if (list.join) beyond = and(list.order[0]!.direction === "asc" ? gte(list.order[0]!.column as PgColumn, values[0]) : lte(list.order[0]!.column as PgColumn, values[0]), beyond);
  }
  // Typed as any table: drizzle's generic select types do not follow a generic table.
  const table = list.table as PgTable;
  const columns = getTableColumns(table);
  let ranked;
  if (list.join) {
    // Each joined row's first `limit` rows, in its order (`table`'s own order columns), after the cursor.
    const keyOf = new Map<unknown, string>(Object.entries(columns).map(([key, column]) => [column, key]));
    const own = db
      .select(columns)
      .from(table)
      .where(and(list.join.on, list.filter, beyond))
      .orderBy(...list.order.filter(({ column }) => keyOf.has(column)).map(({ column, direction }) => (direction === "asc" ? asc(column) : desc(column))))
      .limit(limit)
      .as("page_row");
    const fields = own as unknown as Record<string, PgColumn>;
    const order = list.order.map(({ column, direction }) => ({ column: keyOf.has(column) ? fields[keyOf.get(column)!]! : column, direction }));
    ranked = db
      .select({ ...Object.fromEntries(Object.keys(columns).map((key) => [key, fields[key]!])), pageParent: sql<string>`${list.parent}`.as("page_parent"), rank: rankWithin(list.parent, order).as("page_rank") })
      .from(list.join.table)
      .crossJoinLateral(own)
      .where(inArray(list.parent as SQL, parentIds))
      .as("ranked");
  } else {
    ranked = db
      .select({ ...columns, pageParent: sql<string>`${list.parent}`.as("page_parent"), rank: rankWithin(list.parent, list.order).as("page_rank") })
      .from(table)
      .where(and(inArray(list.parent as SQL, parentIds), list.filter, beyond))
      .as("ranked");
  }
  const rows = (await db.select().from(ranked).where(lte(ranked.rank, limit)).orderBy(ranked.rank)) as (T["$inferSelect"] & { pageParent: string; rank: unknown })[];
  return rows.map(({ pageParent, rank: _, ...row }) => ({ parentId: pageParent, row: row as T["$inferSelect"] }));
}
