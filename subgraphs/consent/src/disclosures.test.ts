import { queryRows } from "@grondslag/db";
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

type Send = {
  partner: string | null; personId: string | null; fields: (string | null)[] | null; purpose: string | null; basis: string | null;
  outcome: string | null; reference: string | null; idempotencyKey: string | null; requestId: string | null;
};
const send = (overrides: Partial<Send> = {}): Send => ({
  partner: "twilio", personId: "anna", fields: ["Person.phone", "Person.givenName"], purpose: "second-factor-login",
  basis: "CONTRACT", outcome: "sent", reference: "SM0001", idempotencyKey: "otp-anna-1:sent", requestId: "req-1", ...overrides,
});

/**
 * Records a send as the partner outbox does (integrations/common, `consentDisclosureLog`): through
 * the function consent publishes for it, the only writer of sends. Answers whether it recorded it.
 */
async function recordV1(overrides: Partial<Send> = {}): Promise<boolean> {
  const s = send(overrides);
  const fields = s.fields === null ? sql`null::text[]` : sql`array(select jsonb_array_elements_text(${JSON.stringify(s.fields)}::jsonb))`;
  const [row] = await queryRows<{ recorded: boolean }>(database.db, sql`select "consent"."record_disclosure_v1"(
    ${s.partner}, ${s.personId}, ${fields}, ${s.purpose}, ${s.basis}, ${s.outcome}, ${s.reference}, ${s.idempotencyKey}, ${s.requestId}
  ) as recorded`);
  return row!.recorded;
}

/** Records a send, then moves its time to `at` (the function stamps now()), so "newest first" is known. */
async function record(overrides: Partial<Send> = {}, at = clock) {
  clock = at;
  expect(await recordV1(overrides)).toBe(true);
  const key = send(overrides).idempotencyKey!;
  await database.db.update(tables.disclosures).set({ occurredAt: at }).where(eq(tables.disclosures.idempotencyKey, key));
  return (await stored(key))[0]!.id;
}

/** The error the function raised, as either driver reports it: its message, and its SQLSTATE. */
async function refusal(overrides: Partial<Send>): Promise<{ message: string; code: string | undefined }> {
  try {
    await recordV1(overrides);
  } catch (error) {
    // drizzle wraps the driver's error; the SQLSTATE is on it or on its cause.
    const cause = (error as { cause?: { message: string; code?: string } }).cause ?? (error as { message: string; code?: string });
    return { message: cause.message, code: cause.code };
  }
  throw new Error(`record_disclosure_v1 accepted ${JSON.stringify(overrides)}`);
}

async function stored(idempotencyKey: string) {
  return database.db.select().from(tables.disclosures).where(eq(tables.disclosures.idempotencyKey, idempotencyKey));
}

describe("the disclosure log", () => {
  let annasFirst: string;
  let bramsFirst: string;

  it("records a send through consent.record_disclosure_v1, as the partner outbox does, with its request id", async () => {
    annasFirst = await record({}, T1);
    expect(await stored("otp-anna-1:sent")).toEqual([
      {
        id: annasFirst, partner: "twilio", personId: "anna", fields: ["Person.phone", "Person.givenName"], purpose: "second-factor-login",
        basis: "CONTRACT", outcome: "sent", reference: "SM0001", idempotencyKey: "otp-anna-1:sent", deliveryStatus: null,
        deliveryUpdatedAt: null, occurredAt: T1, requestId: "req-1",
      },
    ]);

    bramsFirst = await record({ personId: "bram", fields: ["Person.email"], purpose: "invoice-mail", basis: "CONTRACT", reference: "SG0001", idempotencyKey: "mail-bram-1:sent" }, T2);
    // A failed send is recorded too: the request left the platform.
    await record({ outcome: "failed", reference: null, purpose: "appointment-reminder", basis: "CONSENT", fields: ["Person.phone"], idempotencyKey: "reminder-anna-1:failed", requestId: null }, T3);
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

  it("has no mutation that records a send, for anyone: only the outbox records one, through the function", async () => {
    const before = await database.db.select().from(tables.disclosures);
    const forged = `mutation { recordDisclosure(input: { partner: "twilio", personId: "anna", fields: ["Person.email"], purpose: "x", basis: "CONTRACT", outcome: SENT, idempotencyKey: "forged" }) { __typename } }`;
    for (const caller of [service, anna, audrey, sam, twilio]) {
      const result = await run(forged, caller);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.message).toMatch(/Cannot query field "recordDisclosure" on type "Mutation"/);
    }
    expect(subgraph.schema.getType("DisclosureInput")).toBeUndefined();
    expect(await database.db.select().from(tables.disclosures)).toEqual(before);
  });

  it("lets only the platform's services record statuses, and changes nothing otherwise", async () => {
    const before = await database.db.select().from(tables.disclosures);
    for (const caller of [anna, audrey, sam, twilio]) {
      const status = await run(STATUS, caller, { partner: "twilio", reference: "SM0001", status: "delivered" });
      expect(status.data).toEqual({ recordPartnerStatus: null });
      expect(status.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Disclosure.deliveryStatus", policy: "write: internal-service" });
    }
    expect(await database.db.select().from(tables.disclosures)).toEqual(before);
    expect(await database.db.select().from(tables.partnerEvents)).toEqual([]);
  });

  it("records a send once: the same idempotency key answers false and changes nothing", async () => {
    const before = await stored("otp-anna-1:sent");
    expect(await recordV1({ reference: "SM9999", fields: ["Person.email"], outcome: "failed", requestId: "req-2" })).toBe(false);
    expect(await stored("otp-anna-1:sent")).toEqual(before);

    // The same key for another person or partner is the caller's bug, not a retry.
    for (const other of [{ personId: "bram" }, { partner: "mollie" }]) {
      expect(await refusal(other)).toEqual({ message: "record_disclosure_v1: idempotency_key was already used for another partner or person", code: "22023" });
    }
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

  it("refuses a malformed send in record_disclosure_v1 with an error naming the argument, and stores nothing", async () => {
    const count = (await database.db.select().from(tables.disclosures)).length;
    const long = "x".repeat(201);
    const malformed: [Partial<Send>, string][] = [
      [{ fields: ["phone"] }, "fields must be field names such as 'Person.phone', never values"],
      [{ fields: ["Person.phone=+31612345678"] }, "fields must be field names such as 'Person.phone', never values"],
      [{ fields: ["Person.phone", null] }, "fields must be field names such as 'Person.phone', never values"],
      [{ fields: [] }, "fields must name 1 to 200 fields"],
      [{ fields: null }, "fields must name 1 to 200 fields"],
      [{ fields: Array.from({ length: 201 }, (_, index) => `Person.f${index}`) }, "fields must name 1 to 200 fields"],
      [{ basis: "PERMISSION" }, "basis must be one of CONSENT, EXPLICIT_CONSENT, CONTRACT, LEGAL_OBLIGATION, LEGITIMATE_INTEREST, CONTROLLER_INSTRUCTION"],
      [{ basis: "consent" }, "basis must be one of CONSENT, EXPLICIT_CONSENT, CONTRACT, LEGAL_OBLIGATION, LEGITIMATE_INTEREST, CONTROLLER_INSTRUCTION"],
      [{ outcome: "SENT" }, "outcome must be one of sent, failed, unknown"],
      [{ outcome: "delivered" }, "outcome must be one of sent, failed, unknown"],
      [{ partner: "Twilio Inc." }, "partner must be a partner's name such as 'twilio'"],
      [{ partner: null }, "partner must be a partner's name such as 'twilio'"],
      [{ personId: "  " }, "person_id must be a person's id of 1 to 200 characters"],
      [{ personId: long }, "person_id must be a person's id of 1 to 200 characters"],
      [{ purpose: "" }, "purpose must be 1 to 200 characters"],
      [{ purpose: long }, "purpose must be 1 to 200 characters"],
      [{ idempotencyKey: "" }, "idempotency_key must be 1 to 200 characters"],
      [{ idempotencyKey: long }, "idempotency_key must be 1 to 200 characters"],
      [{ reference: "" }, "reference must be null or 1 to 200 characters"],
      [{ reference: long }, "reference must be null or 1 to 200 characters"],
      [{ requestId: " " }, "request_id must be null or 1 to 200 characters"],
    ];
    for (const [index, [overrides, message]] of malformed.entries()) {
      const refused = await refusal({ idempotencyKey: `bad-${index}`, ...overrides });
      expect(refused, JSON.stringify(overrides)).toEqual({ message: `record_disclosure_v1: ${message}`, code: "22023" });
    }
    expect(await database.db.select().from(tables.disclosures)).toHaveLength(count);
  });

  it("answers BAD_USER_INPUT for a malformed status, and stores nothing", async () => {

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
  it("records a send once per key, with its request id, and an UNKNOWN outcome reads as UNKNOWN", async () => {
    const bram = { partner: "twilio", personId: "bram", fields: ["Person.smsRecipient"], purpose: "second-factor-login", basis: "CONTRACT", requestId: "req-7" };
    const first = await recordV1({ ...bram, outcome: "unknown", reference: null, idempotencyKey: "outbox-bram-1" });
    const again = await recordV1({ ...bram, outcome: "sent", reference: "SM-other", idempotencyKey: "outbox-bram-1", requestId: "req-8" });
    expect([first, again]).toEqual([true, false]);
    expect(await stored("outbox-bram-1")).toEqual([expect.objectContaining({ personId: "bram", outcome: "unknown", reference: null, requestId: "req-7" })]);
    const page = await run(`{ disclosures(first: 100) { nodes { partner outcome reference } } }`, { subject: "audrey", role: "auditor", personId: "audrey" });
    expect((page.data?.disclosures as { nodes: unknown[] }).nodes).toContainEqual({ partner: "twilio", outcome: "UNKNOWN", reference: null });
  });
});
