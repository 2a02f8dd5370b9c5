import { randomUUID } from "node:crypto";
import { queryRows } from "@grondslag/db";
import { getTestDatabase, type TestDatabase } from "@grondslag/testing";
import { eq, sql } from "drizzle-orm";
import { buildSchema } from "graphql";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { GraphClient } from "./createGraphClient.ts";
import { createPartnerRunner, type PartnerRunnerOptions } from "./createPartnerRunner.ts";
import type { DisclosureLog } from "./outbox/disclosureLog.ts";
import { migratePartnerOutbox } from "./outbox/migrate.ts";
import { sends } from "./outbox/tables.ts";
import { PartnerError, type PartnerAdapter } from "./PartnerAdapter.ts";

// The runner over the real outbox table (PGlite, or PostgreSQL with DATABASE_URL). The
// disclosure log is consent's; here a stand-in table in a schema of this test records what the
// runner writes, in the runner's own transaction (test/src/partnerOutbox*.test.ts use consent's).
const schema = buildSchema(`type Query { person(id: ID!): Person } type Person { phone: String name: String }`);
const quiet = { info: () => {}, error: () => {} };
type Adapter = PartnerAdapter<{ text: string }, { to: string; text: string }>;

let database: TestDatabase;
beforeAll(async () => {
  database = await getTestDatabase();
  await migratePartnerOutbox(database);
  await database.execute(`DROP SCHEMA IF EXISTS outbox_test CASCADE;
    CREATE SCHEMA outbox_test;
    CREATE TABLE outbox_test.disclosure (idempotency_key text PRIMARY KEY, partner text, person_id text, fields text[], outcome text, reference text, request_id text);`);
});

/** Records into the stand-in table; `failing` makes the next `failing` records throw, inside the transaction. */
function testLog(failing = 0): DisclosureLog {
  let left = failing;
  return {
    async record(tx, entry) {
      await tx.execute(sql`insert into outbox_test.disclosure values (${entry.idempotencyKey}, ${entry.partner}, ${entry.personId},
        array(select jsonb_array_elements_text(${JSON.stringify(entry.fields)}::jsonb)), ${entry.outcome}, ${entry.reference}, ${entry.requestId}) on conflict do nothing`);
      if (left > 0) {
        left -= 1;
        throw new Error("the disclosure log is unreachable");
      }
    },
  };
}

const disclosuresOf = (key: string) =>
  queryRows<{ outcome: string; reference: string | null; fields: string[]; request_id: string | null }>(database.db, sql`select outcome, reference, fields, request_id from outbox_test.disclosure where idempotency_key = ${key}`);
const sendOf = async (key: string) => (await database.db.select().from(sends).where(eq(sends.idempotencyKey, key)))[0];

function adapter(send: Adapter["send"], reconcile?: Adapter["reconcile"]): Adapter {
  return {
    declaration: { partner: "acme-sms", legalRole: "processor", purpose: "reminders", basis: "CONSENT", fieldSet: `query($personId: ID!) { person(id: $personId) { phone } }` },
    toRequest: (fields, input) => ({ to: (fields.person as { phone: string }).phone, text: input.text }),
    send,
    ...(reconcile ? { reconcile } : {}),
  };
}

const phoneGraph = (calls: { role: string; requestId: string | undefined }[] = []) =>
  (async (_query, _variables, caller, options) => {
    calls.push({ role: caller.role, requestId: options?.requestId });
    return { data: { person: { phone: "+31612345678" } } };
  }) as GraphClient;

function runner(options: Partial<PartnerRunnerOptions> & { disclosureLog: DisclosureLog }) {
  return createPartnerRunner({ graph: phoneGraph(), schema, database: database.db, log: quiet, backoff: () => 0, reconcileAfterMs: 0, leaseMs: 60_000, ...options });
}

describe("createPartnerRunner", () => {
  it("writes the send first, reads the field set as the partner itself, and settles it SENT with its disclosure", async () => {
    const key = randomUUID();
    const calls: { role: string; requestId: string | undefined }[] = [];
    const send = vi.fn(async () => ({ reference: "R1" }));
    const result = await runner({ graph: phoneGraph(calls), disclosureLog: testLog() }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    expect(result).toEqual({ reference: "R1", fields: ["Person.phone"], deduplicated: false });
    expect(send).toHaveBeenCalledWith({ to: "+31612345678", text: "hi" }, { idempotencyKey: key });
    expect(calls.map((call) => call.role)).toEqual(["partner:acme-sms"]);
    expect(await disclosuresOf(key)).toEqual([{ outcome: "sent", reference: "R1", fields: ["Person.phone"], request_id: null }]);
    // The send's row keeps no input (the text may be a secret code) and no personal value.
    const row = await sendOf(key);
    expect(row).toMatchObject({ status: "sent", reference: "R1", personId: "anna", fields: ["Person.phone"], attempts: 1, inFlightSince: null });
    expect(JSON.stringify(row)).not.toMatch(/"hi"|\+316/);
    const columns = await queryRows<{ column_name: string }>(database.db, sql`select column_name from information_schema.columns where table_schema = 'partner_outbox' and table_name = 'send'`);
    expect(columns.map((column) => column.column_name)).not.toContain("input");
  });

  it("sends nothing when the graph refuses the partner its field set, and records no disclosure", async () => {
    const key = randomUUID();
    const graph = (async () => ({
      data: { person: { phone: null } },
      errors: [{ message: "Not authorised to read Person.phone.", extensions: { code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.phone" } }],
    })) as GraphClient;
    const send = vi.fn(async () => ({ reference: "R2" }));
    const run = runner({ graph, disclosureLog: testLog() }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    await expect(run).rejects.toThrow("The graph refused partner:acme-sms's field set: Person.phone");
    expect(send).not.toHaveBeenCalled();
    expect(await disclosuresOf(key)).toEqual([]);
    expect(await sendOf(key)).toMatchObject({ status: "failed", attempts: 0 });
  });

  it("stops retrying after the set number of attempts and records the failure once", async () => {
    const key = randomUUID();
    const send = vi.fn(async () => {
      throw new PartnerError("PARTNER_UNAVAILABLE", "busy", true);
    });
    const run = runner({ attempts: 3, disclosureLog: testLog() }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    await expect(run).rejects.toMatchObject({ code: "PARTNER_UNAVAILABLE" });
    expect(send).toHaveBeenCalledTimes(3);
    expect(await disclosuresOf(key)).toEqual([expect.objectContaining({ outcome: "failed", reference: null })]);
    expect(await sendOf(key)).toMatchObject({ status: "failed", attempts: 3, lastError: "PARTNER_UNAVAILABLE" });
  });

  it("carries the request id that caused a send into its graph calls, its log line and its disclosure", async () => {
    const key = randomUUID();
    const calls: { role: string; requestId: string | undefined }[] = [];
    const info = vi.fn();
    await runner({ graph: phoneGraph(calls), log: { info, error: () => {} }, disclosureLog: testLog() }).run(adapter(async () => ({ reference: "R4" })), {
      personId: "anna", input: { text: "hi" }, idempotencyKey: key, requestId: "req-42",
    });
    expect(calls.map((call) => call.requestId)).toEqual(["req-42"]);
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ requestId: "req-42" }), "sent to partner");
    expect(await disclosuresOf(key)).toEqual([expect.objectContaining({ request_id: "req-42" })]);
  });

  it("tells the caller SENT when the partner accepted but the record failed, and the worker records it SENT once, without sending again", async () => {
    // The bug this replaces: the runner recorded FAILED and told the caller the send had failed.
    const key = randomUUID();
    const send = vi.fn(async () => ({ reference: "R5" }));
    const reconcile = vi.fn(async () => ({ reference: "R5" }));
    const failingOnce = runner({ disclosureLog: testLog(1) });
    const result = await failingOnce.run(adapter(send, reconcile), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    expect(result).toEqual({ reference: "R5", fields: ["Person.phone"], deduplicated: false });
    // Rolled back with the failed record: neither a disclosure nor a settled send, and no FAILED anywhere.
    expect(await disclosuresOf(key)).toEqual([]);
    expect(await sendOf(key)).toMatchObject({ status: "pending", inFlightSince: expect.any(Date) });

    // The worker (another process; the claim ran out) asks the partner, and records it once.
    const worker = runner({ disclosureLog: testLog(), now: () => new Date(Date.now() + 120_000) });
    await worker.work(() => adapter(send, reconcile));
    expect(reconcile).toHaveBeenCalledWith({ person: { phone: "+31612345678" } }, expect.objectContaining({ idempotencyKey: key }));
    expect(send).toHaveBeenCalledTimes(1);
    expect(await disclosuresOf(key)).toEqual([expect.objectContaining({ outcome: "sent", reference: "R5" })]);
    expect(await sendOf(key)).toMatchObject({ status: "sent", reference: "R5", lastError: "reconciled: the partner has it" });
  });

  it("leaves a send that may have reached the partner to reconciliation: UNKNOWN where the partner cannot be asked, never re-sent", async () => {
    const key = randomUUID();
    const send = vi.fn(async () => {
      throw new PartnerError("PARTNER_UNAVAILABLE", "timed out", false);
    });
    const log = testLog();
    const run = runner({ disclosureLog: log }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    await expect(run).rejects.toMatchObject({ code: "PARTNER_UNAVAILABLE" });
    expect(await disclosuresOf(key)).toEqual([]);
    expect(await sendOf(key)).toMatchObject({ status: "pending", inFlightSince: expect.any(Date), lastError: "PARTNER_UNAVAILABLE" });

    await runner({ disclosureLog: log }).work(() => adapter(send));
    expect(send).toHaveBeenCalledTimes(1);
    expect(await disclosuresOf(key)).toEqual([expect.objectContaining({ outcome: "unknown", reference: null })]);
    expect(await sendOf(key)).toMatchObject({ status: "unknown" });
  });

  it("records FAILED when the partner, asked, has no such send; UNKNOWN when it does not answer within the bound", async () => {
    const timeout = async () => {
      throw new PartnerError("PARTNER_UNAVAILABLE", "timed out", false);
    };
    const none = runner({ disclosureLog: testLog() });
    const absent = randomUUID();
    await expect(none.run(adapter(timeout), { personId: "anna", input: { text: "hi" }, idempotencyKey: absent })).rejects.toThrow();
    await none.work(() => adapter(timeout, async () => null));
    expect(await disclosuresOf(absent)).toEqual([expect.objectContaining({ outcome: "failed" })]);

    const silent = randomUUID();
    const reconcile = vi.fn(async () => {
      throw new Error("the partner's API is down");
    });
    const bounded = runner({ disclosureLog: testLog(), reconcileAttempts: 3 });
    await expect(bounded.run(adapter(timeout), { personId: "anna", input: { text: "hi" }, idempotencyKey: silent })).rejects.toThrow();
    for (let round = 0; round < 5; round += 1) await bounded.work(() => adapter(timeout, reconcile));
    expect(reconcile).toHaveBeenCalledTimes(3);
    expect(await disclosuresOf(silent)).toEqual([expect.objectContaining({ outcome: "unknown" })]);
  });

  it("sends a key once across runners (a restart, another process): the second answers the first's reference", async () => {
    const key = randomUUID();
    const send = vi.fn(async () => ({ reference: "R7" }));
    await runner({ disclosureLog: testLog() }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    const again = await runner({ disclosureLog: testLog() }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: key });
    expect(again).toEqual({ reference: "R7", fields: ["Person.phone"], deduplicated: true });
    expect(send).toHaveBeenCalledTimes(1);
    expect(await disclosuresOf(key)).toHaveLength(1);
  });

  it("settles a send a request abandoned before calling the partner FAILED, unsent and unrecorded; two workers never both take it", async () => {
    const key = randomUUID();
    const send = vi.fn(async () => ({ reference: "R8" }));
    const log = testLog();
    // The request wrote the send, then died before reading the field set: its claim ran out.
    await database.db.insert(sends).values({
      id: randomUUID(), partner: "acme-sms", channel: "acme-sms:reminders", purpose: "reminders", basis: "CONSENT", personId: "anna",
      variables: { personId: "anna" }, idempotencyKey: key, fields: ["Person.phone"], claimedUntil: new Date(Date.now() - 1_000), nextAttemptAt: new Date(Date.now() - 1_000),
    });
    // Two workers at once: one claims it (SKIP LOCKED), the other finds it taken.
    const handled = await Promise.all([runner({ disclosureLog: log }).work(() => adapter(send)), runner({ disclosureLog: log }).work(() => adapter(send))]);
    expect(handled.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(1);
    // The outbox holds no input to send: the worker never calls the partner.
    expect(send).not.toHaveBeenCalled();
    expect(await sendOf(key)).toMatchObject({ status: "failed", attempts: 0, lastError: "abandoned before sending", settledAt: expect.any(Date) });
    expect(await disclosuresOf(key)).toEqual([]);
    // The runner has no way to store an input for later.
    expect(Object.keys(runner({ disclosureLog: log })).sort()).toEqual(["prune", "run", "startWorker", "work"]);
  });

  it("prunes settled sends after the retention period, never a pending one; the disclosure log keeps the record", async () => {
    // A clock of its own, long before the other tests' sends, so only this test's are old enough.
    let clock = new Date("2000-01-01T00:00:00Z");
    const week = 7 * 24 * 60 * 60 * 1000;
    const log = testLog();
    const at = (options: Partial<PartnerRunnerOptions> = {}) => runner({ disclosureLog: log, now: () => clock, ...options });
    const sent = randomUUID();
    const refused = randomUUID();
    const inFlight = randomUUID();
    await at().run(adapter(async () => ({ reference: "R9" })), { personId: "anna", input: { text: "hi" }, idempotencyKey: sent });
    await expect(at().run(adapter(async () => {
      throw new PartnerError("BAD_USER_INPUT", "invalid number", false);
    }), { personId: "anna", input: { text: "hi" }, idempotencyKey: refused })).rejects.toThrow();
    await expect(at().run(adapter(async () => {
      throw new PartnerError("PARTNER_UNAVAILABLE", "timed out", false);
    }), { personId: "anna", input: { text: "hi" }, idempotencyKey: inFlight })).rejects.toThrow();

    // Within the retention period a retry of the key is answered from the row, not sent again.
    clock = new Date(clock.getTime() + week);
    expect(await at().prune()).toBe(0);
    const retry = vi.fn(async () => ({ reference: "R10" }));
    expect(await at().run(adapter(retry), { personId: "anna", input: { text: "hi" }, idempotencyKey: sent })).toEqual({ reference: "R9", fields: ["Person.phone"], deduplicated: true });
    expect(retry).not.toHaveBeenCalled();

    // After it, the settled sends are gone; the one still in flight stays to be reconciled.
    clock = new Date(clock.getTime() + 1_000);
    expect(await at().prune()).toBe(2);
    expect([await sendOf(sent), await sendOf(refused)]).toEqual([undefined, undefined]);
    expect(await sendOf(inFlight)).toMatchObject({ status: "pending", inFlightSince: expect.any(Date) });
    expect(await disclosuresOf(sent)).toEqual([expect.objectContaining({ outcome: "sent", reference: "R9" })]);
    expect(await disclosuresOf(refused)).toEqual([expect.objectContaining({ outcome: "failed" })]);

    // A shorter period, as configured.
    await at({ reconcileAfterMs: 0 }).work(() => adapter(async () => ({ reference: "R11" })));
    expect(await sendOf(inFlight)).toMatchObject({ status: "unknown" });
    clock = new Date(clock.getTime() + 60_000);
    expect(await at({ settledRetentionMs: 60_000 }).prune()).toBe(0);
    clock = new Date(clock.getTime() + 1);
    expect(await at({ settledRetentionMs: 60_000 }).prune()).toBe(1);
    expect(await sendOf(inFlight)).toBeUndefined();
  });
});
