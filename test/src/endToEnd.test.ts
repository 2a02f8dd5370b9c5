import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startGateway } from "./startGateway.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack();
});
afterAll(() => graph?.stop());

const ANNA_EVERYWHERE = /* GraphQL */ `
  query AnnaEverywhere {
    me {
      id
      givenName
      familyName
      memberships { organisation { id } employeeNumber }
      carePrograms { title exercises { name } compliance { nodes { done } } }
      mobilityCards { engravedNumber kind }
      trips(first: 100) { nodes { purpose distanceKm } }
      invoices { nodes { number status total { amountCents currency } } }
      consents { purpose { id } state active }
    }
  }
`;

// eslint-disable-next-line no-restricted-properties -- names the database the suite runs on, as getTestDatabase chooses it.
describe(`one query through the gateway (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("returns anna's data from all five subgraphs in one answer", async () => {
    const { status, body } = await postGraphQL(graph.gatewayUrl, ANNA_EVERYWHERE, await graph.tokenFor("anna"));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const me = body.data?.me as { carePrograms: { exercises: unknown[]; compliance: { nodes: unknown[] } }[] } & Record<string, unknown[]>;

    // identity
    expect(me).toMatchObject({ id: "anna", givenName: "Anna", familyName: "de Vries", memberships: [{ organisation: { id: "acme" }, employeeNumber: "E-1001" }] });
    // therapy
    // Her programs at both practices that treat her, oldest first.
    expect(me.carePrograms).toEqual([
      expect.objectContaining({ title: "Knierevalidatie na meniscusoperatie" }),
      expect.objectContaining({ title: "Houdingstraining bij nekklachten" }),
    ]);
    expect(me.carePrograms[0]?.exercises).toHaveLength(3);
    expect(me.carePrograms[0]?.compliance.nodes.length).toBeGreaterThan(5);
    // mobility
    expect(me.mobilityCards).toEqual([{ engravedNumber: expect.stringMatching(/^3528\d{12}$/), kind: "PERSONAL" }]);
    const purposes = new Set((me.trips as unknown as { nodes: { purpose: string }[] }).nodes.map((trip) => trip.purpose));
    expect(purposes).toEqual(new Set(["BUSINESS", "COMMUTE", "PRIVATE"]));
    // billing
    expect((me.invoices as unknown as { nodes: unknown[] }).nodes).toContainEqual({ number: "GS-2026-000123", status: "PAID", total: { amountCents: 2340, currency: "EUR" } });
    // consent
    expect(me.consents).toEqual([
      { purpose: { id: "health-data" }, state: "GIVEN", active: true },
      { purpose: { id: "gps-tracking" }, state: "GIVEN", active: true },
    ]);
  });

  it("answers each caller with their own record: bram sees his data, not anna's", async () => {
    const { body } = await postGraphQL(graph.gatewayUrl, `{ me { id carePrograms { title } consents { purpose { id } } } }`, await graph.tokenFor("bram"));
    expect(body).toEqual({
      data: {
        me: {
          id: "bram",
          carePrograms: [{ title: "Lage rugklachten" }],
          // His withdrawn health-data consent stays on record as proof (GDPR Art. 7(1)).
          consents: [{ purpose: { id: "sms-notifications" } }, { purpose: { id: "health-data" } }, { purpose: { id: "gps-tracking" } }],
        },
      },
    });
  });

  it("answers `me` with null for a caller that is not a person", async () => {
    // A partner's capability for `me` is none of its declarations (the gateway refuses it as such);
    // behind a gateway that let it through, identity answers null: a partner is nobody's self.
    const query = `{ me { id } }`;
    const capability = await graph.capabilityFor("twilio", query, {}, "anna");
    expect((await postGraphQL(graph.gatewayUrl, query, capability)).body.errors?.map((error) => error.extensions?.reason)).toEqual(["UNDECLARED_OPERATION"]);
    const behind = await startGateway(graph);
    const { body } = await postGraphQL(behind.url, query, capability).finally(() => behind.stop());
    expect(body).toEqual({ data: { me: null } });
  });
});

describe("lists a page at a time, through the gateway", () => {
  const TRIPS = /* GraphQL */ `query Trips($first: Int, $after: String) { me { trips(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`;
  type TripsAnswer = { me: { trips: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } | null } };

  it("pages through anna's trips with the cursor the gateway hands back", async () => {
    const token = await graph.tokenFor("anna");
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const { body } = await postGraphQL(graph.gatewayUrl, TRIPS, token, { first: 25, after });
      expect(body.errors).toBeUndefined();
      const trips = (body.data as TripsAnswer).me.trips!;
      ids.push(...trips.nodes.map((trip) => trip.id));
      after = trips.pageInfo.hasNextPage ? trips.pageInfo.endCursor : null;
    } while (after);
    expect(ids).toHaveLength(36);
    expect(new Set(ids).size).toBe(36);
  });

  it("refuses a page larger than 100 and a malformed cursor, naming the argument, and keeps the rest of the answer", async () => {
    const token = await graph.tokenFor("anna");
    for (const [variables, argument] of [[{ first: 1000 }, "first"], [{ after: "%%%" }, "after"]] as const) {
      const { status, body } = await postGraphQL(graph.gatewayUrl, TRIPS, token, variables);
      expect(status).toBe(200);
      expect(body.data).toEqual({ me: { trips: null } });
      expect(body.errors?.map((error) => ({ path: error.path, code: error.extensions?.code, argument: error.extensions?.argument }))).toEqual([
        { path: ["me", "trips"], code: "BAD_USER_INPUT", argument },
      ]);
    }
  });
});
