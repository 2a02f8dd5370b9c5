import { and, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

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
  fetch: (parentIds: string[], limit: number, after: string | null) => Promise<R[]>,
  parentOf: (row: R) => string,
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
      for (const row of rows) byParent.set(parentOf(row), [...(byParent.get(parentOf(row)) ?? []), row]);
      for (const key of group) {
        const own = byParent.get(key.parentId) ?? [];
        pages.set(key, { nodes: own.slice(0, first), hasNextPage: own.length > first });
      }
    }),
  );
  return keys.map((key) => pages.get(key)!);
}

/** `row_number()` of a row within its parent's list, in the list's order: keep those up to the limit. */
export function rankWithin(parent: PgColumn, order: KeysetOrder): SQL<number> {
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
