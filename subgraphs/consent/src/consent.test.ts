import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubgraph, tables } from "./index.ts";

// A fixed clock, so expiry reads the same whenever the suite runs.
const NOW = new Date("2026-11-22T12:00:00Z");

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }), now: () => NOW });
  await resetDatabase(database, [subgraph]);
});

const anna = { subject: "anna", role: "subject", personId: "anna" } as const;

async function run(source: string) {
  return graphql({ schema: subgraph.schema, source, contextValue: subgraph.createContext(anna) });
}

const consentsOf = (ids: string[], fields: string) => /* GraphQL */ `{
  _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
    ... on Person { id consents { ${fields} } }
  }
}`;

describe("consent subgraph", () => {
  it("lists the purpose catalogue", async () => {
    const result = await run(/* GraphQL */ `{ consentPurposes { id lawfulBasis noticeVersion } }`);
    expect(result).toEqual({
      data: {
        consentPurposes: [
          { id: "gps-tracking", lawfulBasis: "CONSENT", noticeVersion: "2026-09" },
          { id: "health-data", lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09" },
          { id: "research", lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09" },
          { id: "saved-places", lawfulBasis: "CONSENT", noticeVersion: "2026-09" },
          { id: "sms-notifications", lawfulBasis: "CONSENT", noticeVersion: "2026-09" },
        ],
      },
    });
  });

  it("answers a person's consents in the order they were given", async () => {
    const result = await run(consentsOf(["anna", "bram"], "id purpose { id title } lawfulBasis noticeVersion state givenAt withdrawnAt method active"));
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "anna",
            consents: [
              {
                id: "anna-health-data", purpose: { id: "health-data", title: "Health data for your therapy" },
                lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09", state: "GIVEN",
                givenAt: "2026-10-05T08:12:00.000Z", withdrawnAt: null, method: "IN_APP", active: true,
              },
              {
                id: "anna-gps-tracking", purpose: { id: "gps-tracking", title: "Trips recorded by GPS" },
                lawfulBasis: "CONSENT", noticeVersion: "2026-09", state: "GIVEN",
                givenAt: "2026-10-20T06:47:00.000Z", withdrawnAt: null, method: "IN_APP", active: true,
              },
            ],
          },
          {
            id: "bram",
            consents: [
              {
                id: "bram-sms-notifications", purpose: { id: "sms-notifications", title: "Notifications by SMS" },
                lawfulBasis: "CONSENT", noticeVersion: "2026-03", state: "WITHDRAWN",
                givenAt: "2026-05-11T09:05:00.000Z", withdrawnAt: "2026-10-02T19:21:00.000Z", method: "IN_APP", active: false,
              },
              {
                id: "bram-gps-tracking", purpose: { id: "gps-tracking", title: "Trips recorded by GPS" },
                lawfulBasis: "CONSENT", noticeVersion: "2026-09", state: "GIVEN",
                givenAt: "2026-09-15T17:30:00.000Z", withdrawnAt: null, method: "WEB", active: true,
              },
            ],
          },
        ],
      },
    });
  });

  it("reads a given consent past its expiry as EXPIRED and inactive, at request time", async () => {
    const record = { personId: "expiry-fixture", lawfulBasis: "consent", noticeVersion: "2026-09", method: "web" } as const;
    await database.db
      .insert(tables.consentRecords)
      .values([
        // Stored as given; its expiry passed a week ago.
        { ...record, id: "lapsed", purposeId: "saved-places", state: "given", givenAt: new Date("2025-11-15T10:00:00Z"), expiresAt: new Date("2026-11-15T10:00:00Z") },
        // Expires at the very instant of the request: no longer active.
        { ...record, id: "ends-now", purposeId: "gps-tracking", state: "given", givenAt: new Date("2026-05-22T12:00:00Z"), expiresAt: NOW },
        { ...record, id: "running", purposeId: "research", lawfulBasis: "explicit_consent", state: "given", givenAt: new Date("2026-11-01T10:00:00Z"), expiresAt: new Date("2027-11-01T10:00:00Z") },
        // A withdrawal stays a withdrawal once its expiry has passed too.
        { ...record, id: "withdrawn", purposeId: "sms-notifications", state: "withdrawn", givenAt: new Date("2026-11-02T10:00:00Z"), withdrawnAt: new Date("2026-11-03T10:00:00Z"), expiresAt: new Date("2026-11-10T10:00:00Z") },
      ])
      .onConflictDoNothing();

    const result = await run(consentsOf(["expiry-fixture"], "id state active"));
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "expiry-fixture",
            consents: [
              { id: "lapsed", state: "EXPIRED", active: false },
              { id: "ends-now", state: "EXPIRED", active: false },
              { id: "running", state: "GIVEN", active: true },
              { id: "withdrawn", state: "WITHDRAWN", active: false },
            ],
          },
        ],
      },
    });
  });

  it("resolves a batch of Person references with consents in a constant number of queries", async () => {
    database.resetQueryCount();
    const one = await run(consentsOf(["anna"], "purpose { id }"));
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await run(consentsOf(["anna", "bram", "tom", "mila", "eva", "sam"], "purpose { id }"));
    const sixCount = database.queryCount;

    expect(one.errors).toBeUndefined();
    expect(six.errors).toBeUndefined();
    expect((six.data?._entities as unknown[]).length).toBe(6);
    // consent records, purposes: one query each, however many people are asked for.
    expect(oneCount).toBe(2);
    expect(sixCount).toBe(oneCount);
  });

  it("seeds idempotently, and reports a seeded store as holding data", async () => {
    expect(await subgraph.hasData()).toBe(true);
    await subgraph.seedDemoData();
    const result = await run(consentsOf(["anna"], "id"));
    expect(result.data).toEqual({ _entities: [{ id: "anna", consents: [{ id: "anna-health-data" }, { id: "anna-gps-tracking" }] }] });
  });
});
