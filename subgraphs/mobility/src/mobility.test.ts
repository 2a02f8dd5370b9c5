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

/** The gateway's way in: `_entities` with Person references, as identity's ids. */
async function persons(ids: string[], selection: string) {
  const result = await run(/* GraphQL */ `{
    _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
      ... on Person { ${selection} }
    }
  }`);
  expect(result.errors).toBeUndefined();
  return result.data?._entities as Record<string, unknown>[];
}

type TripAnswer = { id: string; purpose: string };

describe("mobility subgraph", () => {
  it("gives anna her personal card", async () => {
    const [person] = await persons(["anna"], "mobilityCards { id engravedNumber chipId expiresOn kind status issuedOn }");
    expect(person).toEqual({
      mobilityCards: [
        {
          id: "anna-card",
          engravedNumber: "3528000012345678",
          chipId: "04A3F2B1C95E80",
          expiresOn: "2030-05-31",
          kind: "PERSONAL",
          status: "ACTIVE",
          issuedOn: "2025-06-02",
        },
      ],
    });
  });

  it("lists anna's trips newest first: an unconfirmed GPS ride, then her card's check-in/out", async () => {
    const [person] = await persons(
      ["anna"],
      "trips { id source startedAt endedAt startPlace endPlace distanceKm mode purpose travellerRole co2Grams costCents confirmedAt card { id } }",
    );
    const trips = person?.trips as TripAnswer[];
    expect(trips).toHaveLength(36);
    expect(trips.at(-1)?.id).toBe("anna-trip-2026-10-26-am");
    expect(trips.slice(0, 2)).toEqual([
      {
        id: "anna-trip-2026-11-20-evening",
        source: "GPS",
        startedAt: "2026-11-20T19:05:00.000Z",
        endedAt: "2026-11-20T19:17:00.000Z",
        startPlace: "Utrecht, Oudegracht 12",
        endPlace: "Utrecht, Stadion Galgenwaard",
        distanceKm: 3.1,
        mode: "BIKE",
        purpose: "PRIVATE",
        travellerRole: null,
        co2Grams: 0,
        costCents: null,
        confirmedAt: null,
        card: null,
      },
      {
        id: "anna-trip-2026-11-20-pm",
        source: "CHECK_IN_OUT",
        startedAt: "2026-11-20T16:19:00.000Z",
        endedAt: "2026-11-20T16:43:00.000Z",
        startPlace: "Amersfoort Centraal",
        endPlace: "Utrecht Centraal",
        distanceKm: 22.6,
        mode: "TRAIN",
        purpose: "COMMUTE",
        travellerRole: null,
        co2Grams: 68,
        costCents: 650,
        confirmedAt: "2026-11-20T19:30:00.000Z",
        card: { id: "anna-card" },
      },
    ]);
  });

  it("records anna's business drive as a manual car trip with her as driver", async () => {
    const [person] = await persons(["anna"], "trips { id purpose source mode travellerRole distanceKm co2Grams costCents }");
    const business = (person?.trips as TripAnswer[]).filter((trip) => trip.purpose === "BUSINESS");
    const drive = { purpose: "BUSINESS", source: "MANUAL", mode: "CAR", travellerRole: "DRIVER", distanceKm: 58.7, co2Grams: 10566, costCents: null };
    expect(business).toEqual([
      { id: "anna-trip-2026-11-12-pm", ...drive },
      { id: "anna-trip-2026-11-12-am", ...drive },
    ]);
  });

  it("gives bram GPS e-bike commutes and a private ride as passenger, and no card", async () => {
    const [person] = await persons(["bram"], "mobilityCards { id } trips { id source mode purpose travellerRole distanceKm co2Grams }");
    const trips = person?.trips as TripAnswer[];
    expect(person?.mobilityCards).toEqual([]);
    expect(trips).toHaveLength(7);
    expect(trips[0]).toEqual({
      id: "bram-trip-2026-11-19-pm", source: "GPS", mode: "E_BIKE", purpose: "COMMUTE", travellerRole: null, distanceKm: 7.9, co2Grams: 39,
    });
    expect(trips.at(-1)).toEqual({
      id: "bram-trip-2026-11-14-am", source: "MANUAL", mode: "CAR", purpose: "PRIVATE", travellerRole: "PASSENGER", distanceKm: 52.3, co2Grams: 0,
    });
  });

  it("answers empty lists for a person who never travelled with the platform", async () => {
    expect(await persons(["tom"], "id mobilityCards { id } trips { id }")).toEqual([{ id: "tom", mobilityCards: [], trips: [] }]);
  });

  it("resolves MobilityCard references, and null for an unknown card", async () => {
    const result = await run(/* GraphQL */ `{
      _entities(representations: [{ __typename: "MobilityCard", id: "anna-card" }, { __typename: "MobilityCard", id: "no-such-card" }]) {
        ... on MobilityCard { id engravedNumber status }
      }
    }`);
    expect(result).toEqual({
      data: { _entities: [{ id: "anna-card", engravedNumber: "3528000012345678", status: "ACTIVE" }, null] },
    });
  });

  it("resolves a batch of Person references with trips, their cards and card lists in a constant number of queries", async () => {
    const selection = "id trips { card { engravedNumber } } mobilityCards { id }";
    database.resetQueryCount();
    await persons(["anna"], selection);
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await persons(["anna", "bram", "tom", "mila", "eva", "sam"], selection);
    const sixCount = database.queryCount;

    expect(six).toHaveLength(6);
    // trips of the persons, cards of the persons, cards of the trips: one query each, however many.
    expect(oneCount).toBe(3);
    expect(sixCount).toBe(oneCount);
  });

  it("seeds idempotently", async () => {
    expect(await subgraph.hasData()).toBe(true);
    await subgraph.seedDemoData();
    const [person] = await persons(["anna"], "mobilityCards { id } trips { id }");
    expect(person?.mobilityCards).toEqual([{ id: "anna-card" }]);
    expect(person?.trips).toHaveLength(36);
  });
});
