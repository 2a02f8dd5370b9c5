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

type Caller = Parameters<typeof subgraph.createContext>[0];

const anna = { subject: "anna", role: "subject", personId: "anna" } as const;
const bram = { subject: "bram", role: "subject", personId: "bram" } as const;
const sam = { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" } as const;
const audrey = { subject: "audrey", role: "auditor", personId: "audrey" } as const;

async function run(source: string, caller: Caller = anna) {
  return graphql({ schema: subgraph.schema, source, contextValue: subgraph.createContext(caller) });
}

const entities = (ids: string[], selection: string) => /* GraphQL */ `{
  _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
    ... on Person { ${selection} }
  }
}`;

describe("billing subgraph", () => {
  it("lists the caller's own invoices newest first, with totals summed from their lines and the IBAN", async () => {
    const result = await run(entities(["anna"], "id invoices { nodes { id number issuedOn dueOn status total { amountCents currency } iban paidAt } }"));
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "anna",
            invoices: { nodes: [
              {
                id: "anna-2026-11", number: "GS-2026-000187", issuedOn: "2026-11-20", dueOn: "2026-12-04",
                status: "OPEN", total: { amountCents: 2090, currency: "EUR" }, iban: "NL91ABNA0417164300", paidAt: null,
              },
              {
                id: "anna-2026-10", number: "GS-2026-000123", issuedOn: "2026-11-03", dueOn: "2026-11-17",
                status: "PAID", total: { amountCents: 2340, currency: "EUR" }, iban: "NL91ABNA0417164300", paidAt: "2026-11-10T09:00:00.000Z",
              },
            ] },
          },
        ],
      },
    });
  });

  it("prints recipient, IBAN and lines in position order", async () => {
    const result = await run(
      entities(
        ["bram"],
        "invoices { nodes { description status recipient { name address { street postalCode city country } } iban lines { position quantity unitAmount { amountCents } amount { amountCents currency } } } }",
      ),
      bram,
    );
    expect(result).toEqual({
      data: {
        _entities: [
          {
            invoices: { nodes: [
              {
                description: "Privégebruik mobiliteitskaart oktober 2026",
                status: "OVERDUE",
                recipient: { name: "B. Jansen", address: { street: "Biltstraat 88", postalCode: "3572 BH", city: "Utrecht", country: "NL" } },
                iban: "NL20INGB0001234567",
                lines: [
                  { position: 1, quantity: 2, unitAmount: { amountCents: 920 }, amount: { amountCents: 1840, currency: "EUR" } },
                  { position: 2, quantity: 1, unitAmount: { amountCents: 150 }, amount: { amountCents: 150, currency: "EUR" } },
                ],
              },
            ] },
          },
        ],
      },
    });
  });

  it("refuses support staff a person's invoices: a support case opens identity and contact data, not finances", async () => {
    const result = await run(entities(["anna"], "invoices { nodes { number iban } }"), sam);
    expect(result.data).toEqual({ _entities: [{ invoices: null }] });
    expect(result.errors?.map((error) => ({ path: error.path, ...error.extensions }))).toEqual([
      { path: ["_entities", 0, "invoices"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.invoices", policy: "read: self" },
    ]);
    // The refusal names the field and the policy, never the invoice or the account number.
    expect(JSON.stringify(result.errors)).not.toMatch(/GS-2026|NL91|ABNA|0417164300/);
  });

  it("refuses invoices to anyone but the person, telling nothing of them", async () => {
    for (const caller of [audrey, bram, sam]) {
      const result = await run(entities(["anna"], "id invoices { nodes { number total { amountCents } recipient { name } iban } }"), caller);
      expect(result.data).toEqual({ _entities: [{ id: "anna", invoices: null }] });
      expect(result.errors?.map((error) => ({ path: error.path, ...error.extensions }))).toEqual([
        { path: ["_entities", 0, "invoices"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.invoices", policy: "read: self" },
      ]);
      expect(JSON.stringify(result.errors)).not.toMatch(/GS-2026|2090|2340|de Vries|NL91ABNA/);
    }
  });

  it("answers an empty list for a person without invoices", async () => {
    const result = await run(entities(["tom"], "id invoices { nodes { id } }"), { subject: "tom", role: "therapist", personId: "tom" });
    expect(result).toEqual({ data: { _entities: [{ id: "tom", invoices: { nodes: [] } }] } });
  });

  it("resolves a batch of Person references with invoices and lines in a constant number of queries, other people's costing none", async () => {
    const selection = "id invoices { nodes { total { amountCents } recipient { address { city } } lines { amount { amountCents } } } }";
    database.resetQueryCount();
    const one = await run(entities(["anna"], selection));
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await run(entities(["anna", "bram", "tom", "mila", "eva", "sam"], selection));
    const sixCount = database.queryCount;

    expect(one.errors).toBeUndefined();
    expect(six.errors?.map((error) => error.extensions?.field)).toEqual(Array(5).fill("Person.invoices"));
    expect((six.data?._entities as unknown[]).length).toBe(6);
    // invoices, then lines (shared by `total` and `lines`): one query each, however many people.
    expect(oneCount).toBe(2);
    expect(sixCount).toBe(oneCount);
  });

  it("pages through anna's invoices one at a time, and refuses a page larger than 100", async () => {
    const page = async (args: string) => {
      const result = await run(entities(["anna"], `invoices${args} { edges { cursor node { number } } pageInfo { hasNextPage endCursor } }`));
      expect(result.errors).toBeUndefined();
      return (result.data?._entities as { invoices: { edges: { cursor: string; node: { number: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }[])[0]!.invoices;
    };
    const first = await page("(first: 1)");
    expect(first.edges.map((edge) => edge.node.number)).toEqual(["GS-2026-000187"]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[0]!.cursor });
    const second = await page(`(first: 1, after: "${first.pageInfo.endCursor}")`);
    expect(second.edges.map((edge) => edge.node.number)).toEqual(["GS-2026-000123"]);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const tooLarge = await run(entities(["anna"], "invoices(first: 101) { nodes { number } }"));
    expect(tooLarge.data).toEqual({ _entities: [{ invoices: null }] });
    expect(tooLarge.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", argument: "first" })]);
  });

  it("seeds idempotently", async () => {
    await subgraph.seedDemoData();
    const result = await run(entities(["anna"], "invoices { nodes { id lines { position } } }"));
    expect(result.data).toEqual({
      _entities: [
        {
          invoices: { nodes: [
            { id: "anna-2026-11", lines: [{ position: 1 }, { position: 2 }] },
            { id: "anna-2026-10", lines: [{ position: 1 }, { position: 2 }, { position: 3 }] },
          ] },
        },
      ],
    });
  });
});
