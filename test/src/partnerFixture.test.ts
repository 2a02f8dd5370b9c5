import { createHmac, randomUUID } from "node:crypto";
import { fieldCoordinates } from "@grondslag/integration-common";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import { buildASTSchema, parse } from "graphql";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cardDeclaration, OVCHIP_API, OVCHIP_STATUS_PATH, ovchipPartner } from "./fixtures/ovchipPartner.ts";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Issue 8 point 6: a partner package written by integrations/README.md (a throwaway one, in
// test/src/fixtures/ovchipPartner.ts) is wired by registering it, here by handing it to the
// stack beside the registry's: its channel is sent to through the one `sendToPartner`, its send
// goes through the outbox into the disclosure log, and its webhook is mounted on the gateway.
const API_KEY = "ovchip-test-key";
const CHANNEL = "mobility-card:print";

let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack({
    extraPartnerPackages: [ovchipPartner],
    partners: { ovchip: ovchipPartner.configFromEnv({ OVCHIP_API_KEY: API_KEY }, { publicUrl: "https://grondslag.example" }) },
    // Quick reconciliation, so a send that may have reached the partner is settled within the test.
    partnerWorker: { intervalMs: 100, reconcileAfterMs: 0 },
  });
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(async () => {
  await graph?.stop();
});

const audrey = async () =>
  ((await postGraphQL(graph.gatewayUrl, `{ disclosures(first: 100) { nodes { partner fields purpose basis outcome reference deliveryStatus } } }`, await graph.tokenFor("audrey"))).body.data?.disclosures as {
    nodes: { partner: string; fields: string[]; outcome: string; reference: string | null; deliveryStatus: string | null }[];
  }).nodes.filter((disclosure) => disclosure.partner === "ovchip");

describe("a partner package added by following integrations/README.md", () => {
  it("is configured from its own variables, validated by the package", () => {
    expect(ovchipPartner.configFromEnv({}, { publicUrl: "https://grondslag.example" })).toBeUndefined();
    expect(() => ovchipPartner.configFromEnv({ OVCHIP_API_KEY: "short" }, { publicUrl: "https://grondslag.example" })).toThrow("OVCHIP_API_KEY");
  });

  it("sends exactly its declared fields through its channel, and the send is in the disclosure log", async () => {
    let body: Record<string, unknown> = {};
    let idempotencyKey: string | undefined;
    nock(OVCHIP_API)
      .post("/cards", (received: Record<string, unknown>) => ((body = { ...received }), true))
      .matchHeader("authorization", `Bearer ${API_KEY}`)
      .reply(function () {
        idempotencyKey = this.req.headers["idempotency-key"] as string | undefined;
        return [201, { id: "card-1" }];
      });
    const sent = await graph.stack.partners.send(CHANNEL, { personId: "anna", input: { cardNumber: "3528-0001" }, idempotencyKey: `card-${randomUUID()}` });
    expect(sent).toEqual({ reference: "card-1" });
    expect(Object.keys(body).sort()).toEqual(["cardNumber", "familyName", "initials"]);
    expect(idempotencyKey).toMatch(/^card-/);
    const { leaves } = fieldCoordinates(cardDeclaration.fieldSet, buildASTSchema(parse(loadSupergraphSdl()), { assumeValidSDL: true }));
    expect(await audrey()).toContainEqual({ partner: "ovchip", fields: leaves, purpose: "mobility-card", basis: "CONTRACT", outcome: "SENT", reference: "card-1", deliveryStatus: null });
  });

  it("reads exactly its declared fields as partner:ovchip, for its capability's person only, and nothing wider", async () => {
    const variables = { personId: "anna" };
    const read = await postGraphQL(graph.gatewayUrl, cardDeclaration.fieldSet, await graph.capabilityFor("ovchip", cardDeclaration.fieldSet, variables, "anna"), variables);
    expect(read.body.errors).toBeUndefined();
    const person = read.body.data?.person as { initials: string | null; familyName: string | null };
    expect(person.initials).toEqual(expect.any(String));
    expect(person.familyName).toEqual(expect.any(String));

    // A wider operation under the same kind of capability is refused before planning.
    const widerQuery = `query OvchipWider($personId: ID!) { person(id: $personId) { initials givenName smsRecipient } }`;
    const wider = await postGraphQL(graph.gatewayUrl, widerQuery, await graph.capabilityFor("ovchip", cardDeclaration.fieldSet, variables, "anna"), variables);
    expect(wider.status).toBe(403);
    expect(wider.body.data ?? null).toBeNull();
    expect(wider.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", reason: "OTHER_OPERATION" });
    // Its declared operation about bram, under a capability for anna: the subgraphs refuse each field.
    const bram = { personId: "bram" };
    const other = await postGraphQL(graph.gatewayUrl, cardDeclaration.fieldSet, await graph.capabilityFor("ovchip", cardDeclaration.fieldSet, bram, "anna"), bram);
    expect(other.body.data?.person).toBeNull();
    expect(other.body.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([["UNAUTHORIZED_FIELD_OR_TYPE", "Query.person"]]);
    for (const value of Object.values(person)) {
      expect(JSON.stringify(wider.body)).not.toContain(value);
      expect(JSON.stringify(other.body)).not.toContain(value);
    }
  });

  it("answers NOT_CONFIGURED for a channel no registered package serves", async () => {
    await expect(graph.stack.partners.send("mobility-card:engrave", { personId: "anna", input: {} })).rejects.toMatchObject({ extensions: { code: "NOT_CONFIGURED" } });
  });

  it("records a 5xx it cannot ask the partner about as UNKNOWN, once, and never sends it again", async () => {
    let posts = 0;
    nock(OVCHIP_API)
      .post("/cards")
      .reply(() => ((posts += 1), [502, { error: "bad gateway" }]));
    const idempotencyKey = `card-${randomUUID()}`;
    await expect(graph.stack.partners.send(CHANNEL, { personId: "anna", input: { cardNumber: "3528-0002" }, idempotencyKey })).rejects.toMatchObject({ extensions: { code: "PARTNER_UNAVAILABLE" } });
    // The worker (every 100 ms here) settles it: no reconcile in this package, so UNKNOWN.
    const deadline = Date.now() + 10_000;
    let unknown: unknown[] = [];
    while (Date.now() < deadline && unknown.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      unknown = (await audrey()).filter((disclosure) => disclosure.outcome === "UNKNOWN");
    }
    expect(unknown).toEqual([{ partner: "ovchip", fields: ["Person.familyName", "Person.initials"], purpose: "mobility-card", basis: "CONTRACT", outcome: "UNKNOWN", reference: null, deliveryStatus: null }]);
    // The same key again: answered from the outbox, not sent a second time.
    await expect(graph.stack.partners.send(CHANNEL, { personId: "anna", input: { cardNumber: "3528-0002" }, idempotencyKey })).rejects.toMatchObject({ extensions: { code: "PARTNER_UNAVAILABLE" } });
    expect(posts).toBe(1);
  });

  it("mounts its webhook on the gateway: a signed status is recorded, an unsigned one refused", async () => {
    const statusUrl = graph.gatewayUrl.replace(/\/graphql$/, OVCHIP_STATUS_PATH);
    const post = (raw: string, signature?: string) =>
      fetch(statusUrl, { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-ovchip-signature": signature } : {}) }, body: raw });
    const printed = JSON.stringify({ id: "card-1", status: "delivered" });
    expect((await post(printed)).status).toBe(403);
    expect((await post(printed, createHmac("sha256", "not-the-key").update(printed).digest("hex"))).status).toBe(403);
    expect((await post(printed, createHmac("sha256", API_KEY).update(printed).digest("hex"))).status).toBe(204);
    expect((await audrey()).find((disclosure) => disclosure.reference === "card-1")?.deliveryStatus).toBe("delivered");
  });
});
