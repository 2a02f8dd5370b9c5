import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPglitePreparedRunner, literalOf } from "./pglitePrepared.ts";

describe("prepared statements on PGlite", () => {
  let client: PGlite;
  beforeAll(async () => {
    client = await PGlite.create();
    await client.exec(`create table note (id text primary key, body text); insert into note values ('a', 'plain'), ('it''s', 'quote'), ('back\\slash', 'backslash'), ('b', null);`);
  });
  afterAll(() => client.close());

  const byIds = "select id, body from note where id = any($1::text[]) order by id";

  it("answers as an unprepared run does, prepares each text once, and reads every value back exactly", async () => {
    const run = createPglitePreparedRunner(client);
    const ids = `{"a","it's","back\\\\slash"}`;
    const expected = (await client.query(byIds, [ids])).rows;
    expect(expected).toHaveLength(3);
    expect(await run(byIds, [ids])).toEqual(expected);
    expect(await run(byIds, [ids])).toEqual(expected);
    const prepared = await client.query<{ statement: string }>("select statement from pg_prepared_statements");
    expect(prepared.rows.filter((row) => row.statement.includes("from note"))).toHaveLength(1);
    // A value that closes the literal and adds a statement is read as a value, not run.
    expect(await run("select $1::text as value", ["x'); drop table note; --"])).toEqual([{ value: "x'); drop table note; --" }]);
    expect(await run("select $1::text as value", ["\\'; select 1; --"])).toEqual([{ value: "\\'; select 1; --" }]);
    expect(await run("select $1::text as value", [null])).toEqual([{ value: null }]);
    expect((await client.query("select count(*)::int as n from note")).rows).toEqual([{ n: 4 }]);
  });

  it("reports a statement that cannot be prepared every time, and refuses values that are not strings", async () => {
    const run = createPglitePreparedRunner(client);
    await expect(run("select nope from note where id = $1", ["a"])).rejects.toThrow(/nope/);
    await expect(run("select nope from note where id = $1", ["a"])).rejects.toThrow(/nope/);
    await expect(run(byIds, [1 as unknown as string])).rejects.toThrow(/string or null/);
    expect(() => literalOf({})).toThrow(/string or null/);
  });
});
