import { createStaticPolicyLookups, type StaticPolicyFacts } from "@grondslag/policy";
import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { eq } from "drizzle-orm";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { trips } from "./db/tables.ts";
import { createSubgraph } from "./index.ts";

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }) });
  await resetDatabase(database, [subgraph]);
});

type Caller = NonNullable<Parameters<typeof subgraph.createContext>[0]>;
type Context = ReturnType<typeof subgraph.createContext>;

const anna = { subject: "anna", role: "subject", personId: "anna" } as const;
const bram = { subject: "bram", role: "subject", personId: "bram" } as const;
const tom = { subject: "tom", role: "therapist", personId: "tom", organisationId: "fysio-utrecht" } as const;
const eva = { subject: "eva", role: "employer-admin", personId: "eva", organisationId: "acme" } as const;
const sam = { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" } as const;
const twilio = { subject: "twilio", role: "partner:twilio" } as const;

/**
 * Employment as identity publishes it: eva administers acme, which employs anna and bram (and,
 * for the batching test, tom, mila and sam); bram also works at a bakery eva has nothing to do with.
 */
const employee = (organisationId: string) => ({ organisationId, role: "employee" });
const facts: StaticPolicyFacts = {
  memberships: {
    anna: [employee("acme")], bram: [employee("acme"), employee("bakkerij-zon")], tom: [employee("acme")], mila: [employee("acme")],
    sam: [employee("acme")], eva: [{ organisationId: "acme", role: "employer_admin" }],
  },
};

function contextFor(caller: Caller): Context {
  const context = subgraph.createContext(caller);
  context.policy.lookups = createStaticPolicyLookups(facts);
  return context;
}

async function run(source: string, caller: Caller | Context = anna) {
  const contextValue = "policy" in caller ? caller : contextFor(caller);
  return graphql({ schema: subgraph.schema, source, contextValue });
}

const entities = (ids: string[], selection: string) => /* GraphQL */ `{
  _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
    ... on Person { ${selection} }
  }
}`;

/** The gateway's way in: `_entities` with Person references, as identity's ids; no refusals expected. */
async function persons(ids: string[], selection: string, caller: Caller | Context = anna) {
  const result = await run(entities(ids, selection), caller);
  expect(result.errors).toBeUndefined();
  return result.data?._entities as Record<string, unknown>[];
}

/** Eva, employer admin of acme, which employs anna: `employer-of` runs as in production over the facts above. */
const evaContext = (): Context => contextFor(eva);

type Refusal = { path?: readonly (string | number)[]; code?: unknown; field?: unknown; policy?: unknown };
const errorsOf = (result: Awaited<ReturnType<typeof run>>): Refusal[] =>
  (result.errors ?? []).map((error) => ({ path: error.path, ...error.extensions }));

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
      "trips(first: 100) { nodes { id source startedAt endedAt startPlace endPlace distanceKm mode purpose travellerRole co2Grams costCents confirmedAt card { id } } }",
    );
    const trips = (person?.trips as { nodes: unknown }).nodes as TripAnswer[];
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
    const [person] = await persons(["anna"], "trips(first: 100) { nodes { id purpose source mode travellerRole distanceKm co2Grams costCents } }");
    const business = ((person?.trips as { nodes: unknown }).nodes as TripAnswer[]).filter((trip) => trip.purpose === "BUSINESS");
    const drive = { purpose: "BUSINESS", source: "MANUAL", mode: "CAR", travellerRole: "DRIVER", distanceKm: 58.7, co2Grams: 10566, costCents: null };
    expect(business).toEqual([
      { id: "anna-trip-2026-11-12-pm", ...drive },
      { id: "anna-trip-2026-11-12-am", ...drive },
    ]);
  });

  it("gives bram GPS e-bike commutes and a private ride as passenger, and no card", async () => {
    const [person] = await persons(["bram"], "mobilityCards { id } trips(first: 100) { nodes { id source mode purpose travellerRole distanceKm co2Grams } }", bram);
    const trips = (person?.trips as { nodes: unknown }).nodes as TripAnswer[];
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
    expect(await persons(["tom"], "id mobilityCards { id } trips(first: 100) { nodes { id } } workTrips(first: 100) { nodes { id } }", tom)).toEqual([
      { id: "tom", mobilityCards: [], trips: { nodes: [] }, workTrips: { nodes: [] } },
    ]);
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

  it("refuses anna's card to bram when it is asked for by reference", async () => {
    const result = await run(`{ _entities(representations: [{ __typename: "MobilityCard", id: "anna-card" }]) { ... on MobilityCard { id chipId } } }`, bram);
    expect(result.data).toEqual({ _entities: [null] });
    expect(errorsOf(result)).toEqual(
      expect.arrayContaining([{ path: ["_entities", 0, "id"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "MobilityCard.id", policy: "read: self" }]),
    );
    expect(JSON.stringify(result.errors)).not.toMatch(/3528|04A3F2B1C95E80/);
  });

  it("lists only anna's business and commute trips as workTrips, newest first", async () => {
    const [person] = await persons(["anna"], "trips(first: 100) { nodes { id purpose } } workTrips(first: 100) { nodes { id purpose startedAt } }");
    const trips = (person?.trips as { nodes: unknown }).nodes as TripAnswer[];
    const workTrips = (person?.workTrips as { nodes: unknown }).nodes as (TripAnswer & { startedAt: string })[];
    expect(trips.map((trip) => trip.purpose)).toContain("PRIVATE");
    expect(workTrips).toHaveLength(32);
    expect(new Set(workTrips.map((trip) => trip.purpose))).toEqual(new Set(["BUSINESS", "COMMUTE"]));
    expect(workTrips.map((trip) => trip.id)).toEqual(trips.filter((trip) => trip.purpose !== "PRIVATE").map((trip) => trip.id));
    expect(workTrips[0]).toEqual({ id: "anna-trip-2026-11-20-pm", purpose: "COMMUTE", startedAt: "2026-11-20T16:19:00.000Z" });
  });

  it("gives support staff neither anna's cards nor her trips: null and an error that names the policy, not the data", async () => {
    const result = await run(entities(["anna"], "mobilityCards { engravedNumber status } trips(first: 100) { nodes { id startPlace } } workTrips(first: 100) { nodes { id } }"), sam);
    expect(result.data).toEqual({ _entities: [{ mobilityCards: null, trips: null, workTrips: null }] });
    expect(errorsOf(result)).toEqual(
      expect.arrayContaining([
        { path: ["_entities", 0, "mobilityCards"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.mobilityCards", policy: "read: self" },
        { path: ["_entities", 0, "trips"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.trips", policy: "read: self" },
        { path: ["_entities", 0, "workTrips"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.workTrips", policy: "read: self | employer-of" },
      ]),
    );
    expect(result.errors).toHaveLength(3);
    // The refusal names the field and the policy, never the record's values.
    expect(JSON.stringify(result.errors)).not.toMatch(/anna-trip|3528|Utrecht|Amersfoort|Oudegracht|COMMUTE|PRIVATE|650/);
  });

  it("refuses a partner anna's cards and trips, and another traveller her trips", async () => {
    const partner = await run(entities(["anna"], "id mobilityCards { id } trips(first: 100) { nodes { id } } workTrips(first: 100) { nodes { id } }"), twilio);
    expect(partner.data).toEqual({ _entities: [{ id: "anna", mobilityCards: null, trips: null, workTrips: null }] });
    expect(errorsOf(partner).map((error) => [error.field, error.policy])).toEqual(
      expect.arrayContaining([
        ["Person.mobilityCards", "read: self"],
        ["Person.trips", "read: self"],
        ["Person.workTrips", "read: self | employer-of"],
      ]),
    );
    const other = await run(entities(["anna"], "trips(first: 100) { nodes { id } } workTrips(first: 100) { nodes { id } }"), bram);
    expect(other.data).toEqual({ _entities: [{ trips: null, workTrips: null }] });
    expect(JSON.stringify([partner.errors, other.errors])).not.toMatch(/anna-trip|anna-card|3528/);
  });

  it("gives anna's employer date and time, purpose and kilometres of her work trips, nothing else", async () => {
    const result = await run(
      entities(["anna"], "workTrips(first: 100) { nodes { id startedAt endedAt purpose distanceKm startPlace mode costCents card { id } } }"),
      evaContext(),
    );
    const workTrips = (result.data?._entities as { workTrips: { nodes: Record<string, unknown>[] } }[])[0]?.workTrips.nodes;
    expect(workTrips).toHaveLength(32);
    expect(workTrips?.[0]).toEqual({
      id: "anna-trip-2026-11-20-pm", startedAt: "2026-11-20T16:19:00.000Z", endedAt: "2026-11-20T16:43:00.000Z",
      purpose: "COMMUTE", distanceKm: 22.6, startPlace: null, mode: null, costCents: null, card: null,
    });
    const refused = new Map(errorsOf(result).map((error) => [error.field, error.policy]));
    expect(refused).toEqual(new Map([["Trip.startPlace", "read: self"], ["Trip.mode", "read: self"], ["Trip.costCents", "read: self"], ["Trip.card", "read: self"]]));
    expect(JSON.stringify(result.errors)).not.toMatch(/Utrecht|Amersfoort|Rotterdam|TRAIN|CAR|650|anna-card/);
  });

  it("enforces `work-trip` on every Trip the employer reaches, even if a private one slipped into the list", async () => {
    // As if workTrips' filter were broken: hand the employer all of anna's trips. The policy
    // leaves the private ones out of the list (Trip.id's read policy), so not even their number shows.
    const context = evaContext();
    context.loaders.workTripsOfPerson = () => context.loaders.tripsOfPerson;
    const result = await run(entities(["anna"], "workTrips(first: 100) { nodes { id startedAt purpose distanceKm } edges { node { id } } }"), context);
    const { nodes: listed, edges } = (result.data?._entities as { workTrips: { nodes: Record<string, unknown>[]; edges: unknown[] } }[])[0]!.workTrips;
    expect(result.errors).toBeUndefined();
    expect(listed).toHaveLength(32);
    expect(edges).toHaveLength(32);
    expect(new Set(listed.map((trip) => trip.purpose))).toEqual(new Set(["BUSINESS", "COMMUTE"]));
    expect(listed[0]).toMatchObject({ id: "anna-trip-2026-11-20-pm", purpose: "COMMUTE" });
    expect(JSON.stringify(result)).not.toMatch(/Galgenwaard|Slot Zuylen|Amsterdam|PRIVATE/);
    // Each remaining trip's fields are still checked on their own: places stay the traveller's.
    const places = await run(entities(["anna"], "workTrips(first: 100) { nodes { startPlace } }"), context);
    expect(new Set(errorsOf(places).map((error) => error.policy))).toEqual(new Set(["read: self"]));
  });

  it("shows eva nothing of an employee of another employer, nor of bram's trips for his other employer's sake", async () => {
    const other = await run(entities(["rita"], "workTrips { nodes { id } }"), evaContext());
    expect(other.data).toEqual({ _entities: [{ workTrips: null }] });
    expect(errorsOf(other).map((error) => error.policy)).toEqual(["read: self | employer-of"]);
    const bakery = createStaticPolicyLookups({ ...facts, memberships: { ...facts.memberships, eva: [{ organisationId: "bakkerij-zon", role: "employer_admin" }], bram: [employee("acme")] } });
    const context = subgraph.createContext(eva);
    context.policy.lookups = bakery;
    const notHers = await run(entities(["bram"], "workTrips { nodes { id } }"), context);
    expect(notHers.data).toEqual({ _entities: [{ workTrips: null }] });
  });

  it("resolves a batch of Person references' work trips in a constant number of queries (as their employer)", async () => {
    const selection = "id workTrips { nodes { id distanceKm } }";
    database.resetQueryCount();
    await persons(["anna"], selection, evaContext());
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await persons(["anna", "bram", "tom", "mila", "sam", "anna"], selection, evaContext());
    const sixCount = database.queryCount;

    expect(six).toHaveLength(6);
    // The work trips of all the persons in one query; the employment facts come from the policy's own look-ups.
    expect(oneCount).toBe(1);
    expect(sixCount).toBe(oneCount);
  });

  it("loads anna's 36 trips with their cards, her card list and her work trips in one query each (as anna)", async () => {
    database.resetQueryCount();
    const [person] = await persons(["anna"], "trips(first: 100) { nodes { card { engravedNumber } } } workTrips(first: 100) { nodes { id } } mobilityCards { id }");
    expect(((person?.trips as { nodes: unknown }).nodes as unknown[]).length).toBe(36);
    // trips, work trips, cards of the person, cards of the trips; `self` reads the rows already loaded.
    expect(database.queryCount).toBe(4);
  });

  describe("pages of trips", () => {
    type TripPage = { edges: { cursor: string; node: { id: string } }[]; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null } };
    const page = async (args: string, caller: Caller | Context = anna, field = "trips") => {
      const result = await run(entities(["anna"], `${field}${args} { edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } }`), caller);
      return { result, page: (result.data?._entities as Record<string, TripPage | null>[] | undefined)?.[0]?.[field] };
    };

    it("pages through anna's 36 trips ten at a time, in the order of the whole list, each trip once", async () => {
      const [person] = await persons(["anna"], "trips(first: 100) { nodes { id } }");
      const all = (person?.trips as { nodes: { id: string }[] }).nodes.map((trip) => trip.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (let pageNumber = 1; ; pageNumber++) {
        const { result, page: current } = await page(after ? `(first: 10, after: "${after}")` : "(first: 10)");
        expect(result.errors).toBeUndefined();
        expect(current!.nodes).toEqual(current!.edges.map((edge) => edge.node));
        expect(current!.pageInfo.endCursor).toBe(current!.edges.at(-1)!.cursor);
        expect(current!.pageInfo.startCursor).toBe(current!.edges[0]!.cursor);
        expect(current!.pageInfo.hasPreviousPage).toBe(pageNumber > 1);
        seen.push(...current!.nodes.map((trip) => trip.id));
        expect(current!.pageInfo.hasNextPage).toBe(pageNumber < 4);
        if (!current!.pageInfo.hasNextPage) break;
        after = current!.pageInfo.endCursor;
      }
      expect(seen).toEqual(all);
      expect(seen).toHaveLength(36);
    });

    it("gives 20 trips when no page size is asked for, and continues from an edge's cursor", async () => {
      const { page: first } = await page("");
      expect(first!.nodes).toHaveLength(20);
      expect(first!.pageInfo.hasNextPage).toBe(true);
      const { page: next } = await page(`(first: 2, after: "${first!.edges[4]!.cursor}")`);
      expect(next!.nodes).toEqual(first!.nodes.slice(5, 7));
    });

    it("refuses a page larger than 100 and a cursor it did not make, naming the argument", async () => {
      for (const [args, argument] of [["(first: 101)", "first"], ["(first: -1)", "first"], ['(after: "bm9uc2Vuc2U")', "after"], ['(after: "not a cursor!")', "after"]] as const) {
        const { result } = await page(args);
        expect(result.data).toEqual({ _entities: [{ trips: null }] });
        expect(errorsOf(result)).toEqual([expect.objectContaining({ path: ["_entities", 0, "trips"], code: "BAD_USER_INPUT", argument })]);
      }
    });

    it("ends the list at a cursor of someone else's trip or of a trip that does not exist, telling neither apart", async () => {
      const { page: bramsPage } = await page("(first: 1)", bram);
      expect(bramsPage).toBeNull(); // bram may not read anna's trips at all
      const [bramsTrips] = await persons(["bram"], "trips(first: 1) { pageInfo { endCursor } }", bram);
      const bramsCursor = (bramsTrips?.trips as TripPage).pageInfo.endCursor!;
      const missing = Buffer.from("grondslag:v1:no-such-trip").toString("base64url");
      for (const cursor of [bramsCursor, missing]) {
        const { result, page: current } = await page(`(after: "${cursor}")`);
        expect(result.errors).toBeUndefined();
        expect(current).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null } });
      }
    });

    it("ends the work trips at the cursor of a private trip, as at one that does not exist: where a private ride stands in time stays hidden", async () => {
      const [own] = await persons(["anna"], "trips(first: 100) { edges { cursor node { id purpose } } }");
      const edges = (own?.trips as { edges: { cursor: string; node: { id: string; purpose: string } }[] }).edges;
      // A private trip with work trips older than it: from its place in time the page would go on.
      const index = edges.findIndex((edge, at) => edge.node.purpose === "PRIVATE" && edges.slice(at + 1).some((later) => later.node.purpose !== "PRIVATE"));
      expect(index).toBeGreaterThanOrEqual(0);
      const privateCursor = edges[index]!.cursor;
      const missing = Buffer.from("grondslag:v1:no-such-trip").toString("base64url");
      for (const cursor of [privateCursor, missing]) {
        const { result, page: current } = await page(`(first: 2, after: "${cursor}")`, evaContext(), "workTrips");
        expect(result.errors).toBeUndefined();
        expect(current).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null } });
      }
      // The same private trip's cursor still pages anna's own list of all her trips.
      const { page: ownPage } = await page(`(first: 1, after: "${privateCursor}")`);
      expect(ownPage!.nodes).toEqual([edges[index + 1]!.node].map(({ id }) => ({ id })));
    });

    it("pages anna's work trips for her employer, with the policy still applied to every trip on the page", async () => {
      const { result, page: first } = await page("(first: 5)", evaContext(), "workTrips");
      expect(result.errors).toBeUndefined();
      expect(first!.nodes.map((trip) => trip.id)).toEqual(["anna-trip-2026-11-20-pm", "anna-trip-2026-11-20-am", "anna-trip-2026-11-19-pm", "anna-trip-2026-11-19-am", "anna-trip-2026-11-17-pm"]);
      // As if workTrips' filter were broken: the private ride on the page is left out by the policy, without a trace.
      const context = evaContext();
      context.loaders.workTripsOfPerson = () => context.loaders.tripsOfPerson;
      const { result: leaky, page: leakyPage } = await page("(first: 2)", context, "workTrips");
      expect(leakyPage!.nodes).toEqual([{ id: "anna-trip-2026-11-20-pm" }]);
      expect(leaky.errors).toBeUndefined();
    });

    it("answers a range from the earliest days a Date holds, not a fault", async () => {
      const { result, page: all } = await page('(first: 100, startedFrom: "0001-01-01", startedBefore: "1892-04-30")', evaContext(), "workTrips");
      expect(result.errors).toBeUndefined();
      expect(all!.nodes).toEqual([]);
    });

    it("gives an employer one range of days of work trips (a month's report), days read in Amsterdam time", async () => {
      const { page: day } = await page('(first: 10, startedFrom: "2026-11-19", startedBefore: "2026-11-20")', evaContext(), "workTrips");
      expect(day!.nodes).toEqual([{ id: "anna-trip-2026-11-19-pm" }, { id: "anna-trip-2026-11-19-am" }]);
      // October: the commutes of 26 to 30 October, none of November's, the private rides left out as ever.
      const { page: october } = await page('(first: 100, startedFrom: "2026-10-01", startedBefore: "2026-11-01")', evaContext(), "workTrips");
      expect(october!.nodes.map((trip) => trip.id).sort()).toEqual(
        ["2026-10-26", "2026-10-27", "2026-10-29", "2026-10-30"].flatMap((date) => [`anna-trip-${date}-am`, `anna-trip-${date}-pm`]).sort(),
      );
      // Paged within the range: the cursor goes on in it, and ends it.
      const { page: first } = await page('(first: 1, startedFrom: "2026-11-19", startedBefore: "2026-11-20")', evaContext(), "workTrips");
      const { page: next } = await page(`(first: 5, after: "${first!.pageInfo.endCursor}", startedFrom: "2026-11-19", startedBefore: "2026-11-20")`, evaContext(), "workTrips");
      expect(next).toMatchObject({ nodes: [{ id: "anna-trip-2026-11-19-am" }], pageInfo: { hasNextPage: false } });
      // A range the wrong way round is the caller's mistake, named.
      const { result } = await page('(startedFrom: "2026-11-20", startedBefore: "2026-11-19")', evaContext(), "workTrips");
      expect(errorsOf(result)).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", argument: "startedBefore" })]);
    });

    it("loads one page of several persons' work trips in one query, and in two after a cursor", async () => {
      // Eva as employer of both anna and bram (the stated facts): the rules cost no query.
      const employerOfBoth = evaContext;
      const count = async (ids: string[], args: string) => {
        database.resetQueryCount();
        const result = await run(entities(ids, `workTrips${args} { nodes { id } pageInfo { endCursor } }`), employerOfBoth());
        expect(result.errors).toBeUndefined();
        return { queries: database.queryCount, pages: (result.data?._entities as { workTrips: TripPage }[]).map((person) => person.workTrips) };
      };
      const one = await count(["anna"], "(first: 3)");
      const two = await count(["anna", "bram"], "(first: 3)");
      expect(two.pages.map((page) => page.nodes.length)).toEqual([3, 3]);
      expect(one.queries).toBe(1);
      expect(two.queries).toBe(1);
      const after = await count(["anna", "bram"], `(first: 3, after: "${one.pages[0]!.pageInfo.endCursor}")`);
      // The cursor is anna's: her list goes on, bram's ends (a cursor belongs to one list).
      expect(after.pages.map((page) => page.nodes.length)).toEqual([3, 0]);
      expect(after.queries).toBe(2);
    });
  });

  it("seeds idempotently", async () => {
    expect(await subgraph.hasData()).toBe(true);
    await subgraph.seedDemoData();
    const [person] = await persons(["anna"], "mobilityCards { id } trips(first: 100) { nodes { id } }");
    expect(person?.mobilityCards).toEqual([{ id: "anna-card" }]);
    expect((person?.trips as { nodes: unknown[] }).nodes).toHaveLength(36);
  });
});

describe("confirming a trip", () => {
  // Found probing as a frontend team: a GPS trip "awaits confirmation", and nothing confirmed it.
  const confirm = (caller: Caller | Context, purpose: string, tripId = "anna-trip-2026-11-20-evening") =>
    run(`mutation { confirmTrip(tripId: "${tripId}", purpose: ${purpose}) { id purpose confirmedAt } }`, caller);
  const rowOf = async (tripId: string) => (await database.db.select().from(trips).where(eq(trips.id, tripId)))[0];

  it("lets only the traveller confirm her trip, once, with what it was for; a retry is answered as it stands", async () => {
    const before = await rowOf("anna-trip-2026-11-20-evening");
    expect(before?.confirmedAt).toBeNull();
    try {
      for (const [caller, name] of [[bram, "bram"], [eva, "eva"]] as const) {
        const refused = await confirm(caller, "COMMUTE");
        expect(refused.data, name).toEqual({ confirmTrip: null });
        expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", policy: "write: self" });
        expect(JSON.stringify(refused.errors)).not.toMatch(/Galgenwaard|Oudegracht/);
      }
      expect((await rowOf("anna-trip-2026-11-20-evening"))?.confirmedAt).toBeNull();

      const confirmed = await confirm(anna, "COMMUTE");
      expect(confirmed.errors).toBeUndefined();
      const { confirmedAt } = confirmed.data?.confirmTrip as { confirmedAt: string };
      expect(confirmed.data).toEqual({ confirmTrip: { id: "anna-trip-2026-11-20-evening", purpose: "COMMUTE", confirmedAt: expect.any(String) } });
      // The same again: as it stands. Another purpose: refused, naming it; nothing changes.
      expect((await confirm(anna, "COMMUTE")).data).toEqual({ confirmTrip: { id: "anna-trip-2026-11-20-evening", purpose: "COMMUTE", confirmedAt } });
      const changed = await confirm(anna, "PRIVATE");
      expect(changed.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "purpose" });
      expect(await rowOf("anna-trip-2026-11-20-evening")).toMatchObject({ purpose: "commute", confirmedAt: new Date(confirmedAt) });
    } finally {
      await database.db.update(trips).set({ purpose: before!.purpose, confirmedAt: null }).where(eq(trips.id, "anna-trip-2026-11-20-evening"));
    }
  });

  it("answers a trip that does not exist as someone else's: refused", async () => {
    const missing = await confirm(anna, "COMMUTE", "no-such-trip");
    expect(missing.data).toEqual({ confirmTrip: null });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", policy: "write: self" });
  });
});
