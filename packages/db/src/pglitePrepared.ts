import type { PGlite } from "@electric-sql/pglite";

/** Statements kept prepared at once, at most; past it a statement runs unprepared, as before. */
const MAX_PREPARED = 100;

/**
 * `queryPrepared` on PGlite. PGlite's `query` parses and plans its text on every run (an unnamed
 * statement), and PGlite runs on the graph's own thread: for the policy's facts statement (a
 * `union all` over up to five views) planning was most of its 1.7 ms a request. Each text is
 * prepared once with `PREPARE` and then run with `EXECUTE`, its values written as literals
 * (`literalOf`): the plan is PostgreSQL's own plan cache's. Only strings and nulls are taken.
 */
export function createPglitePreparedRunner(client: PGlite): (text: string, params: readonly unknown[]) => Promise<unknown[]> {
  const names = new Map<string, Promise<string>>();
  const nameOf = (text: string): Promise<string> | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED) {
      const chosen = `grondslag_prepared_${names.size + 1}`;
      name = client.query(`PREPARE ${chosen} AS ${text}`).then(() => chosen);
      // A statement that fails to prepare is not kept: the next run reports its error again.
      name.catch(() => names.delete(text));
      names.set(text, name);
    }
    return name;
  };
  return async (text, params) => {
    const values = params.map(literalOf);
    const name = nameOf(text);
    if (!name) return (await client.query(text, params as unknown[])).rows;
    return (await client.query(`EXECUTE ${await name}${values.length > 0 ? `(${values.join(", ")})` : ""}`)).rows;
  };
}

/**
 * A value as an SQL literal: a string as an escape string (`E'…'`, every backslash and quote
 * doubled, so the value is read back exactly whatever `standard_conforming_strings` says), null
 * as NULL. Anything else is refused rather than guessed at.
 */
export function literalOf(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value !== "string") throw new TypeError(`A prepared statement's value must be a string or null, not ${typeof value}.`);
  return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}
