import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { eq, sql } from "drizzle-orm";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createLoaders } from "./createLoaders.ts";
import { movesDeliveryStatusForward } from "./getDeliveryStatusMove.ts";
import { createSubgraph, tables } from "./index.ts";

// A clock the tests move, so "newest first" and delivery times are known.
const T1 = new Date("2026-11-22T12:00:00Z");
const T2 = new Date("2026-11-22T12:05:00Z");
const T3 = new Date("2026-11-22T12:10:00Z");
let clock = T1;

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }), now: () => clock });
  await resetDatabase(database, [subgraph]);
});

type Caller = Parameters<typeof subgraph.createContext>[0];
const service = { subject: "twilio-adapter", role: "service" } as const;
const anna = { subject: "anna", role: "subject", personId: "anna" } as const;
const audrey = { subject: "audrey", role: "auditor", personId: "audrey" } as const;
// employer-of is not in the disclosure policy, so eva's denial needs no look-up in identity's tables.
const eva = { subject: "eva", role: "employer-admin", personId: "eva", organisationId: "acme" } as const;
const sam = { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" } as const;
const twilio = { subject: "twilio", role: "partner:twilio" } as const;

async function run(source: string, caller: Caller, variables?: Record<string, unknown>) {
  return graphql({ schema: subgraph.schema, source, contextValue: subgraph.createContext(caller), variableValues: variables ?? null });
}

const RECORD = /* GraphQL */ `
  mutation Record($input: DisclosureInput!) { recordDisclosure(input: $input) { __typename } }
`;
const STATUS = /* GraphQL */ `
  mutation Status($partner: String!, $reference: String!, $status: String!) {
    recordPartnerStatus(partner: $partner, reference: $reference, status: $status) { __typename }
  }
`;
const ALL_FIELDS = "id partner fields purpose basis outcome reference deliveryStatus occurredAt";
const disclosuresOf = (ids: string[], fields = ALL_FIELDS) => /* GraphQL */ `{
  _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
    ... on Person { id disclosures { nodes { ${fields} } } }
  }
}`;

const input = (overrides: Record<string, unknown> = {}) => ({
  partner: "twilio", personId: "anna", fields: ["Person.phone", "Person.givenName"], purpose: "second-factor-login",
  basis: "CONTRACT", outcome: "SENT", reference: "SM0001", idempotencyKey: "otp-anna-1:sent", ...overrides,
});

async function record(overrides: Record<string, unknown> = {}, at = clock) {
  clock = at;
  const result = await run(RECORD, service, { input: input(overrides) });
  expect(result.errors).toBeUndefined();
  // The service writes the record but reads none of it back: its id comes from the table.
  return (await stored(String(input(overrides).idempotencyKey)))[0]!.id;
}

async function stored(idempotencyKey: string) {
  return database.db.select().from(tables.disclosures).where(eq(tables.disclosures.idempotencyKey, idempotencyKey));
}

describe("the disclosure log", () => {
  let annasFirst: string;
  let bramsFirst: string;

  it("records an outbound call for a partner adapter (service), which reads none of it back", async () => {
    annasFirst = await record({}, T1);
    expect(await stored("otp-anna-1:sent")).toEqual([
      {
        id: annasFirst, partner: "twilio", personId: "anna", fields: ["Person.phone", "Person.givenName"], purpose: "second-factor-login",
        basis: "CONTRACT", outcome: "sent", reference: "SM0001", idempotencyKey: "otp-anna-1:sent", deliveryStatus: null,
        deliveryUpdatedAt: null, occurredAt: T1, requestId: null,
      },
    ]);
    // The service wrote the record; reading what it says is for the person and auditors.
    const readBack = await run(RECORD.replace("{ __typename }", "{ id partner fields }"), service, { input: input() });
    expect(readBack.data).toEqual({ recordDisclosure: null });
    expect(readBack.errors?.map((error) => error.extensions?.policy)).toEqual(["read: self | auditor", "read: self | auditor", "read: self | auditor"]);

    bramsFirst = await record({ personId: "bram", fields: ["Person.email"], purpose: "invoice-mail", basis: "CONTRACT", reference: "SG0001", idempotencyKey: "mail-bram-1:sent" }, T2);
    // A failed send is recorded too: the request left the platform.
    await record({ outcome: "FAILED", reference: null, purpose: "appointment-reminder", basis: "CONSENT", fields: ["Person.phone"], idempotencyKey: "reminder-anna-1:failed" }, T3);
  });

  it("lets a person read who received their data, newest first: field names, never values", async () => {
    const result = await run(disclosuresOf(["anna"]), anna);
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "anna",
            disclosures: { nodes: [
              {
                id: expect.any(String), partner: "twilio", fields: ["Person.phone"], purpose: "appointment-reminder", basis: "CONSENT",
                outcome: "FAILED", reference: null, deliveryStatus: null, occurredAt: T3.toISOString(),
              },
              {
                id: annasFirst, partner: "twilio", fields: ["Person.phone", "Person.givenName"], purpose: "second-factor-login", basis: "CONTRACT",
                outcome: "SENT", reference: "SM0001", deliveryStatus: null, occurredAt: T1.toISOString(),
              },
            ] },
          },
        ],
      },
    });
  });

  it("gives an auditor a person's disclosures and the whole log, newest first", async () => {
    const person = await run(disclosuresOf(["anna", "bram"], "id purpose"), audrey);
    expect(person.errors).toBeUndefined();
    expect(person.data?._entities).toEqual([
      { id: "anna", disclosures: { nodes: [{ id: expect.any(String), purpose: "appointment-reminder" }, { id: annasFirst, purpose: "second-factor-login" }] } },
      { id: "bram", disclosures: { nodes: [{ id: bramsFirst, purpose: "invoice-mail" }] } },
    ]);
    const log = await run(`{ disclosures { nodes { id partner purpose occurredAt } } }`, audrey);
    expect(log).toEqual({
      data: {
        disclosures: { nodes: [
          { id: expect.any(String), partner: "twilio", purpose: "appointment-reminder", occurredAt: T3.toISOString() },
          { id: bramsFirst, partner: "twilio", purpose: "invoice-mail", occurredAt: T2.toISOString() },
          { id: annasFirst, partner: "twilio", purpose: "second-factor-login", occurredAt: T1.toISOString() },
        ] },
      },
    });
  });

  it("pages the whole log for an auditor, newest first, and refuses a page larger than 100 or a cursor it did not make", async () => {
    type LogPage = { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const page = async (args: string) => (await run(`{ disclosures${args} { nodes { id } pageInfo { hasNextPage endCursor } } }`, audrey));
    const first = (await page("(first: 2)")).data?.disclosures as LogPage;
    expect(first.nodes.map((disclosure) => disclosure.id).slice(1)).toEqual([bramsFirst]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(`(first: 2, after: "${first.pageInfo.endCursor}")`)).data?.disclosures as LogPage;
    expect(second).toEqual({ nodes: [{ id: annasFirst }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } });
    for (const [args, argument] of [["(first: 101)", "first"], ['(after: "bm9wZQ")', "after"]] as const) {
      const refused = await page(args);
      expect(refused.data).toEqual({ disclosures: null });
      expect(refused.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", argument })]);
    }
  });

  it("denies anyone else a person's disclosures, and everyone but auditors the whole log", async () => {
    for (const caller of [eva, sam, twilio, service]) {
      const result = await run(disclosuresOf(["anna"]), caller);
      expect(result.data).toEqual({ _entities: [{ id: "anna", disclosures: null }] });
      expect(result.errors?.[0]?.path).toEqual(["_entities", 0, "disclosures"]);
      expect(result.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.disclosures", policy: "read: self | auditor" });
      expect(JSON.stringify(result.errors)).not.toMatch(/twilio"|SM0001|second-factor|Person\.phone/);
    }
    // anna reads her own, not bram's.
    expect((await run(disclosuresOf(["bram"]), anna)).data).toEqual({ _entities: [{ id: "bram", disclosures: null }] });
    for (const caller of [anna, eva, sam, service]) {
      const result = await run(`{ disclosures { nodes { id } } }`, caller);
      expect(result.data).toEqual({ disclosures: null });
      expect(result.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Query.disclosures", policy: "read: auditor" });
    }
  });

  it("lets only the platform's services record disclosures and statuses, and changes nothing otherwise", async () => {
    const before = await database.db.select().from(tables.disclosures);
    for (const caller of [anna, audrey, sam, twilio]) {
      const result = await run(RECORD, caller, { input: input({ idempotencyKey: `forged-${caller.subject}` }) });
      expect(result.data).toEqual({ recordDisclosure: null });
      expect(result.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Disclosure.outcome", policy: "write: internal-service" });
      const status = await run(STATUS, caller, { partner: "twilio", reference: "SM0001", status: "delivered" });
      expect(status.data).toEqual({ recordPartnerStatus: null });
      expect(status.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Disclosure.deliveryStatus", policy: "write: internal-service" });
    }
    expect(await database.db.select().from(tables.disclosures)).toEqual(before);
    expect(await database.db.select().from(tables.partnerEvents)).toEqual([]);
  });

  it("records a send once: the same idempotency key answers the first record and changes nothing", async () => {
    const before = await stored("otp-anna-1:sent");
    clock = T3;
    const again = await run(RECORD, service, { input: input({ reference: "SM9999", fields: ["Person.email"], outcome: "FAILED" }) });
    expect(again).toEqual({ data: { recordDisclosure: { __typename: "Disclosure" } } });
    expect(await stored("otp-anna-1:sent")).toEqual(before);

    // The same key for another person is the adapter's bug, not a retry.
    const reused = await run(RECORD, service, { input: input({ personId: "bram" }) });
    expect(reused.data).toEqual({ recordDisclosure: null });
    expect(reused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await stored("otp-anna-1:sent")).toEqual(before);
  });

  it("moves the delivery status forward on a partner's webhook; a replay changes nothing", async () => {
    clock = T2;
    const delivered = await run(STATUS, service, { partner: "twilio", reference: "SM0001", status: "delivered" });
    expect(delivered).toEqual({ data: { recordPartnerStatus: { __typename: "Disclosure" } } });
    const [row] = await stored("otp-anna-1:sent");
    expect(row).toMatchObject({ deliveryStatus: "delivered", deliveryUpdatedAt: T2 });

    // Twilio sends the same callback again, later.
    clock = T3;
    const replay = await run(STATUS, service, { partner: "twilio", reference: "SM0001", status: "delivered" });
    expect(replay).toEqual({ data: { recordPartnerStatus: { __typename: "Disclosure" } } });
    expect(await stored("otp-anna-1:sent")).toEqual([row]);
    expect(await database.db.select().from(tables.partnerEvents)).toEqual([{ partner: "twilio", reference: "SM0001", status: "delivered", receivedAt: T2 }]);

    // The person reads the status.
    const read = await run(disclosuresOf(["anna"], "reference deliveryStatus"), anna);
    expect(read.data?._entities).toEqual([{ id: "anna", disclosures: { nodes: [{ reference: null, deliveryStatus: null }, { reference: "SM0001", deliveryStatus: "delivered" }] } }]);
  });

  it("does not let a late status regress a final one", async () => {
    // `sent` arrives after `delivered`: kept as an event, but the status stays delivered.
    clock = T3;
    const late = await run(STATUS, service, { partner: "twilio", reference: "SM0001", status: "sent" });
    expect(late).toEqual({ data: { recordPartnerStatus: { __typename: "Disclosure" } } });
    expect(await stored("otp-anna-1:sent")).toEqual([expect.objectContaining({ deliveryStatus: "delivered", deliveryUpdatedAt: T2 })]);
    const events = await database.db.select().from(tables.partnerEvents).where(eq(tables.partnerEvents.reference, "SM0001"));
    expect(events.map((event) => event.status).sort()).toEqual(["delivered", "sent"]);

    // Nor does a failure reported after delivery; but WhatsApp's read does follow delivered.
    await run(STATUS, service, { partner: "twilio", reference: "SM0001", status: "failed" });
    expect((await stored("otp-anna-1:sent"))[0]?.deliveryStatus).toBe("delivered");
    await run(STATUS, service, { partner: "twilio", reference: "SM0001", status: "read" });
    expect((await stored("otp-anna-1:sent"))[0]).toMatchObject({ deliveryStatus: "read", deliveryUpdatedAt: T3 });

    // Among the steps before a final status, an earlier one does not move it back either.
    await run(STATUS, service, { partner: "twilio", reference: "SG0001", status: "sent" });
    await run(STATUS, service, { partner: "twilio", reference: "SG0001", status: "queued" });
    expect((await stored("mail-bram-1:sent"))[0]?.deliveryStatus).toBe("sent");
    await run(STATUS, service, { partner: "twilio", reference: "SG0001", status: "undelivered" });
    expect((await stored("mail-bram-1:sent"))[0]?.deliveryStatus).toBe("undelivered");
  });

  it("answers NOT_FOUND for a status of a send it has no record of, and keeps nothing of it", async () => {
    const unknown = await run(STATUS, service, { partner: "twilio", reference: "SM-unknown", status: "delivered" });
    expect(unknown.data).toEqual({ recordPartnerStatus: null });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    // Another partner's reference is not this one's.
    const otherPartner = await run(STATUS, service, { partner: "mollie", reference: "SM0001", status: "paid" });
    expect(otherPartner.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await database.db.select().from(tables.partnerEvents).where(eq(tables.partnerEvents.reference, "SM-unknown"))).toEqual([]);
  });

  it("answers BAD_USER_INPUT for a malformed disclosure or status, and stores nothing", async () => {
    const count = (await database.db.select().from(tables.disclosures)).length;
    const malformed = [
      { fields: ["phone"] },
      { fields: ["Person.phone=+31612345678"] },
      { fields: [] },
      { basis: "PERMISSION" },
      { basis: "consent" },
      { partner: "Twilio Inc." },
      { personId: "  " },
      { purpose: "" },
      { idempotencyKey: "" },
      { reference: "" },
    ];
    for (const [index, overrides] of malformed.entries()) {
      const result = await run(RECORD, service, { input: input({ idempotencyKey: `bad-${index}`, ...overrides }) });
      expect(result.data, JSON.stringify(overrides)).toEqual({ recordDisclosure: null });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(overrides)).toBe("BAD_USER_INPUT");
    }
    expect(await database.db.select().from(tables.disclosures)).toHaveLength(count);

    for (const args of [{ status: "Delivered!" }, { status: "" }, { reference: " " }, { partner: "TWILIO" }]) {
      const result = await run(STATUS, service, { partner: "twilio", reference: "SM0001", status: "delivered", ...args });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(args)).toBe("BAD_USER_INPUT");
    }
  });

  it("resolves a batch of Person references with disclosures in one query", async () => {
    database.resetQueryCount();
    const one = await run(disclosuresOf(["anna"], "id"), audrey);
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const four = await run(disclosuresOf(["anna", "bram", "tom", "eva"], "id"), audrey);
    expect(one.errors).toBeUndefined();
    expect(four.errors).toBeUndefined();
    expect(oneCount).toBe(1);
    expect(database.queryCount).toBe(oneCount);
  });

  it("finds whom a partner's reference is about in one query, for the policy's subject", async () => {
    const loaders = createLoaders(database.db);
    database.resetQueryCount();
    const [sms, mail, unknown, otherPartner] = await Promise.all([
      loaders.disclosureByReference.load({ partner: "twilio", reference: "SM0001" }),
      loaders.disclosureByReference.load({ partner: "twilio", reference: "SG0001" }),
      loaders.disclosureByReference.load({ partner: "twilio", reference: "SM-unknown" }),
      loaders.disclosureByReference.load({ partner: "mollie", reference: "SM0001" }),
    ]);
    expect(database.queryCount).toBe(1);
    expect([sms?.personId, mail?.personId, unknown, otherPartner]).toEqual(["anna", "bram", undefined, undefined]);
  });

  it("moves a delivery status only forward", () => {
    expect(movesDeliveryStatusForward(null, "queued")).toBe(true);
    expect(movesDeliveryStatusForward("queued", "sent")).toBe(true);
    expect(movesDeliveryStatusForward("sent", "delivered")).toBe(true);
    expect(movesDeliveryStatusForward("sent", "queued")).toBe(false);
    expect(movesDeliveryStatusForward("delivered", "sent")).toBe(false);
    expect(movesDeliveryStatusForward("delivered", "undelivered")).toBe(false);
    expect(movesDeliveryStatusForward("undelivered", "delivered")).toBe(false);
    expect(movesDeliveryStatusForward("delivered", "read")).toBe(true);
    expect(movesDeliveryStatusForward("read", "delivered")).toBe(false);
    expect(movesDeliveryStatusForward("failed", "read")).toBe(false);
    // A partner's own vocabulary moves the status until it is final.
    expect(movesDeliveryStatusForward("sent", "accepted-by-carrier")).toBe(true);
    expect(movesDeliveryStatusForward("accepted-by-carrier", "delivered")).toBe(true);
  });
});

describe("consent.record_disclosure_v1, the function consent publishes for the partner outbox", () => {
  const recordV1 = (key: string, outcome: string, reference: string | null) =>
    database.db.execute(sql`select "consent"."record_disclosure_v1"('twilio', 'bram', array['Person.smsRecipient'], 'second-factor-login', 'CONTRACT', ${outcome}, ${reference}, ${key}, 'req-7') as recorded`);

  it("records a send once per key, with its request id, and an UNKNOWN outcome reads as UNKNOWN", async () => {
    const first = await recordV1("outbox-bram-1", "unknown", null);
    const again = await recordV1("outbox-bram-1", "sent", "SM-other");
    expect([first, again].map((result) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows)[0])).toEqual([{ recorded: true }, { recorded: false }]);
    expect(await stored("outbox-bram-1")).toEqual([expect.objectContaining({ personId: "bram", outcome: "unknown", reference: null, requestId: "req-7" })]);
    const page = await run(`{ disclosures(first: 100) { nodes { partner outcome reference } } }`, { subject: "audrey", role: "auditor", personId: "audrey" });
    expect((page.data?.disclosures as { nodes: unknown[] }).nodes).toContainEqual({ partner: "twilio", outcome: "UNKNOWN", reference: null });
  });
});
