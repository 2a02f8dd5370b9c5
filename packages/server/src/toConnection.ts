import type { GraphQLError } from "graphql";
import { badUserInput } from "./badUserInput.ts";
import { checkScalarInput } from "./checkScalarInput.ts";

/** Page size when the caller names none, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * A cursor is the id of the last item seen, wrapped so clients treat it as opaque. It holds a
 * key and nothing else (no time, no name), and the keyset query finds the item's place from
 * it; an item that no longer exists, or is not in this list, simply ends the list.
 */
const CURSOR_PREFIX = "grondslag:v1:";

export function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, "utf8").toString("base64url");
}

const badInput = (argument: string, message: string): GraphQLError => badUserInput(message, argument);

/** The id a cursor holds; a cursor this server did not make is the caller's error. */
export function decodeCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : "";
  if (id === "" || checkScalarInput("ID", id) !== null) throw badInput("after", 'Argument "after" is not a cursor of this list: pass an `endCursor` or an edge\'s `cursor` as it was given.');
  return id;
}

/** The page a list field's `first` and `after` ask for; refuses a page too large or a cursor it cannot read. */
export function readPageArgs(args: PageArgs): { first: number; after: string | null } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput("first", `Argument "first" must be between 0 and ${MAX_PAGE_SIZE}; page through longer lists with "after".`);
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after) };
}

export interface Connection<R> {
  edges: { cursor: string; node: R }[];
  nodes: R[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
}

/** A Relay-style connection over one page. */
export function toConnection<R>(page: { nodes: R[]; hasNextPage: boolean; hasPreviousPage: boolean }, idOf: (node: R) => string): Connection<R> {
  const edges = page.nodes.map((node) => ({ cursor: encodeCursor(idOf(node)), node }));
  return {
    edges,
    nodes: page.nodes,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: page.hasPreviousPage, startCursor: edges[0]?.cursor ?? null },
  };
}
