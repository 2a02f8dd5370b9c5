import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubgraph } from "./index.ts";

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }) });
  await resetDatabase(database, [subgraph]);
});

const anna = { subject: "anna", role: "subject", personId: "anna" } as const;

async function run(source: string, caller = anna) {
  return graphql({ schema: subgraph.schema, source, contextValue: subgraph.createContext(caller) });
}

describe("identity subgraph", () => {
  it("answers `me` with the caller's own person, address and memberships", async () => {
    const result = await run(/* GraphQL */ `
      { me { id givenName familyName address { city country } memberships { role employeeNumber organisation { id kind } } } }
    `);
    expect(result).toEqual({
      data: {
        me: {
          id: "anna",
          givenName: "Anna",
          familyName: "de Vries",
          address: { city: "Utrecht", country: "NL" },
          memberships: [{ role: "EMPLOYEE", employeeNumber: "E-1001", organisation: { id: "acme", kind: "EMPLOYER" } }],
        },
      },
    });
  });

  it("resolves a batch of Person references with memberships in a constant number of queries", async () => {
    const query = (ids: string[]) => /* GraphQL */ `{
      _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
        ... on Person { id memberships { organisation { name } } }
      }
    }`;
    database.resetQueryCount();
    const one = await run(query(["anna"]));
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await run(query(["anna", "bram", "tom", "mila", "eva", "sam"]));
    const sixCount = database.queryCount;

    expect(one.errors).toBeUndefined();
    expect(six.errors).toBeUndefined();
    expect((six.data?._entities as unknown[]).length).toBe(6);
    // person, memberships, organisations: one query each, however many people are asked for.
    expect(oneCount).toBe(3);
    expect(sixCount).toBe(oneCount);
  });

  it("seeds idempotently", async () => {
    await subgraph.seedDemoData();
    const result = await run(`{ me { memberships { id } } }`);
    expect(result.data).toEqual({ me: { memberships: [{ id: "anna-acme" }] } });
  });
});
