import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
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

describe(`one query through the gateway (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("returns anna's data from all five subgraphs in one answer", async () => {
    const { status, body } = await postGraphQL(graph.gatewayUrl, ANNA_EVERYWHERE, await graph.tokenFor("anna"));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const me = body.data?.me as { carePrograms: { exercises: unknown[]; compliance: { nodes: unknown[] } }[] } & Record<string, unknown[]>;

    // identity
    expect(me).toMatchObject({ id: "anna", givenName: "Anna", familyName: "de Vries", memberships: [{ organisation: { id: "acme" }, employeeNumber: "E-1001" }] });
    // therapy
    expect(me.carePrograms).toEqual([expect.objectContaining({ title: "Knierevalidatie na meniscusoperatie" })]);
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
          consents: expect.not.arrayContaining([{ purpose: { id: "health-data" } }]),
        },
      },
    });
  });

  it("answers `me` with null for a caller that is not a person", async () => {
    const { body } = await postGraphQL(graph.gatewayUrl, `{ me { id } }`, await graph.tokenFor("twilio"));
    expect(body).toEqual({ data: { me: null } });
  });
});
