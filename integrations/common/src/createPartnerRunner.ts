import { randomUUID } from "node:crypto";
import type { Database } from "@grondslag/db";
import { and, asc, eq, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { GraphClient } from "./createGraphClient.ts";
import { fieldCoordinates } from "./fieldCoordinates.ts";
import { consentDisclosureLog, type DisclosureLog } from "./outbox/disclosureLog.ts";
import { sends, type SendRow } from "./outbox/tables.ts";
import { mayHaveSent, PartnerError, type PartnerAdapter } from "./PartnerAdapter.ts";
import { readFieldSet } from "./readFieldSet.ts";

export interface PartnerRunnerOptions {
  /** The graph, as the adapters' callers (`partner:<name>`). */
  graph: GraphClient;
  /** The graph's API schema, to name the fields each field set sends. */
  schema: GraphQLSchema;
  /** The store the outbox (schema `partner_outbox`) and the disclosure log live in. */
  database: Database;
  log: { info(details: object, message: string): void; error(details: object, message: string): void };
  /** Sends at most this many times when the partner says a retry is harmless. Default 3. */
  attempts?: number;
  /** Milliseconds to wait before retry number `attempt` (1-based). Default 250 ms doubling. */
  backoff?: (attempt: number) => number;
  /** How long a send being delivered holds its row before a worker may take it over. Default 60 s. */
  leaseMs?: number;
  /** How long after an attempt that may have sent the partner is asked about it. Default 30 s. */
  reconcileAfterMs?: number;
  /** Questions to the partner without an answer before a send is recorded UNKNOWN. Default 5. */
  reconcileAttempts?: number;
  /**
   * How long a settled send (SENT, FAILED, UNKNOWN) is kept before `prune` deletes it. Default 7
   * days: the disclosure log in consent is the record of the send; the outbox row only answers a
   * retry of its key (a one-time code's lives 10 minutes) instead of sending it again.
   */
  settledRetentionMs?: number;
  /** Where a settled send is recorded; default consent's `record_disclosure_v1`. */
  disclosureLog?: DisclosureLog;
  now?: () => Date;
}

export interface PartnerSend<Input> {
  /** The data subject: for the disclosure log (and the partner's capability). */
  personId: string;
  /** The field set's variables; default `{ personId }`. */
  variables?: Record<string, string>;
  input: Input;
  /**
   * Names this send: running it again with the same key sends nothing twice, across restarts and
   * processes, while the settled send is kept (`settledRetentionMs`). Never reuse a key after that.
   */
  idempotencyKey: string;
  /** The id of the request that caused the send, when one is known: in the log lines, the graph calls and the disclosure. */
  requestId?: string;
}

export interface PartnerSendResult {
  reference: string;
  /** The `Type.field`s whose values went to the partner. */
  fields: string[];
  /** True when an earlier send with the same key answered. */
  deduplicated: boolean;
}

/** An adapter of any input and request type, as a lookup of channels holds them. */
export type AnyPartnerAdapter = PartnerAdapter<any, any>;

type Attempt = { kind: "sent"; reference: string } | { kind: "not-sent" | "refused" | "uncertain"; failure: PartnerError };

/**
 * Runs partner sends through a durable outbox (the table `partner_outbox.send`):
 *
 * - a send is written first (partner, channel, person, fields, idempotency key: unique), then
 *   delivered at once in the caller's request (`run`: a person waiting for a code learns
 *   BAD_USER_INPUT at once). The adapter's input (an SMS or mail's text: personal data, a code:
 *   a secret) is never stored, so the worker never sends; it only settles what a request left;
 * - before each call to the partner the attempt is marked in flight, and committed; the outcome
 *   and the disclosure record are written in one transaction (consent's `record_disclosure_v1`);
 * - a row left in flight (the process died between the partner's answer and the record, or the
 *   partner answered with a timeout or a 5xx) is reconciled by the worker: asked of the partner
 *   where its adapter can (`reconcile`), otherwise recorded UNKNOWN. Never silently FAILED, never
 *   sent again;
 * - a settled send is deleted `settledRetentionMs` after it settled (`prune`, each worker round):
 *   the disclosure log is the record, and the outbox is no second one about the person.
 *
 * A small table with `FOR UPDATE SKIP LOCKED` rather than pg-boss or graphile-worker: both open
 * their own node-postgres pools, and the embedded PGlite default is one in-process connection
 * (reachable by a pool only through a socket server that serves one connection at a time);
 * neither lets the disclosure record share the job's transaction either.
 */
export function createPartnerRunner(options: PartnerRunnerOptions) {
  const { database: db, log } = options;
  const attempts = options.attempts ?? 3;
  const backoff = options.backoff ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
  const leaseMs = options.leaseMs ?? 60_000;
  const reconcileAfterMs = options.reconcileAfterMs ?? 30_000;
  const reconcileAttempts = options.reconcileAttempts ?? 5;
  const settledRetentionMs = options.settledRetentionMs ?? 7 * 24 * 60 * 60 * 1000;
  const disclosureLog = options.disclosureLog ?? consentDisclosureLog;
  const now = options.now ?? (() => new Date());
  const later = (ms: number) => new Date(now().getTime() + ms);
  // Two calls with one key in this process share one delivery; across processes the unique key does.
  const running = new Map<string, Promise<PartnerSendResult>>();
  // A field set's names never change: derive them once per operation, not per send.
  const fieldsOf = new Map<string, string[]>();
  const leavesOf = (fieldSet: string) => {
    let leaves = fieldsOf.get(fieldSet);
    if (!leaves) fieldsOf.set(fieldSet, (leaves = fieldCoordinates(fieldSet, options.schema).leaves));
    return leaves;
  };
  const channelOf = (adapter: AnyPartnerAdapter, channel: string | undefined) => channel ?? `${adapter.declaration.partner}:${adapter.declaration.purpose}`;

  /** Writes the send; answers the row and whether this call wrote it. */
  async function write(adapter: AnyPartnerAdapter, send: PartnerSend<unknown>, channel: string) {
    const { declaration } = adapter;
    const [created] = await db
      .insert(sends)
      .values({
        id: randomUUID(), partner: declaration.partner, channel, purpose: declaration.purpose, basis: declaration.basis,
        personId: send.personId, variables: send.variables ?? { personId: send.personId }, idempotencyKey: send.idempotencyKey,
        fields: leavesOf(declaration.fieldSet), requestId: send.requestId ?? null,
        // Delivered in this request: held by it, so no worker takes it meanwhile.
        claimedUntil: later(leaseMs), nextAttemptAt: now(),
      })
      .onConflictDoNothing({ target: sends.idempotencyKey })
      .returning();
    if (created) return { row: created, created: true };
    const [existing] = await db.select().from(sends).where(eq(sends.idempotencyKey, send.idempotencyKey));
    if (!existing) throw new Error("A partner send's idempotency key conflicted, but no send holds it.");
    if (existing.partner !== declaration.partner || existing.personId !== send.personId) throw new Error("idempotencyKey was already used for another partner send");
    return { row: existing, created: false };
  }

  /** What an earlier send with the same key says, now. */
  function answerEarlier(row: SendRow): PartnerSendResult {
    if (row.status === "sent") return { reference: row.reference ?? "", fields: row.fields, deduplicated: true };
    if (row.status === "pending") throw new PartnerError("PARTNER_UNAVAILABLE", "This send is already under way.", false);
    throw new PartnerError("PARTNER_UNAVAILABLE", "This send was not confirmed by the partner; it is not sent again.", false);
  }

  async function prepare(adapter: AnyPartnerAdapter, row: SendRow, input: unknown): Promise<unknown> {
    try {
      const fields = await readFieldSet(options.graph, { declaration: adapter.declaration, personId: row.personId, variables: row.variables, requestId: row.requestId ?? undefined });
      return adapter.toRequest(fields, input);
    } catch (error) {
      // Nothing left the platform: the send is settled failed, and there is no disclosure to record.
      await settle(row, { status: "failed", reference: null, reason: error instanceof PartnerError ? error.code : "field set not read", disclose: false }).catch((settleError: unknown) => {
        log.error({ err: settleError, sendId: row.id }, "could not settle a partner send that never left");
      });
      throw error;
    }
  }

  /** One call to the partner, marked in flight (and committed) before it starts. */
  async function attempt(adapter: AnyPartnerAdapter, row: SendRow, request: unknown): Promise<Attempt> {
    // Only a send still pending is sent: one the worker settled meanwhile (its claim ran out
    // while this process read the field set) would otherwise reach the partner unrecorded.
    const marked = await db
      .update(sends)
      .set({ attempts: sql`${sends.attempts} + 1`, inFlightSince: now() })
      .where(and(eq(sends.id, row.id), eq(sends.status, "pending")))
      .returning({ id: sends.id });
    if (marked.length === 0) throw new PartnerError("PARTNER_UNAVAILABLE", "This send was settled meanwhile; it is not sent again.", false);
    try {
      const { reference } = await adapter.send(request, { idempotencyKey: row.idempotencyKey });
      return { kind: "sent", reference };
    } catch (error) {
      const failure = error instanceof PartnerError ? error : new PartnerError("PARTNER_UNAVAILABLE", `${adapter.declaration.partner} could not be reached.`, false, { cause: error });
      if (mayHaveSent(failure)) return { kind: "uncertain", failure };
      return { kind: failure.retryable ? "not-sent" : "refused", failure };
    }
  }

  /**
   * Settles a pending send and records its disclosure, in one transaction; a send another
   * process settled meanwhile is left as it is (and recorded once).
   */
  async function settle(row: SendRow, outcome: { status: "sent" | "failed" | "unknown"; reference: string | null; reason: string | null; disclose: boolean }) {
    await db.transaction(async (tx) => {
      const moved = await tx
        .update(sends)
        .set({ status: outcome.status, reference: outcome.reference, lastError: outcome.reason, inFlightSince: null, claimedUntil: null, settledAt: now() })
        .where(and(eq(sends.id, row.id), eq(sends.status, "pending")))
        .returning({ id: sends.id });
      if (moved.length === 0 || !outcome.disclose) return;
      await disclosureLog.record(tx, {
        partner: row.partner, personId: row.personId, fields: row.fields, purpose: row.purpose, basis: row.basis,
        outcome: outcome.status, reference: outcome.reference, idempotencyKey: row.idempotencyKey, requestId: row.requestId,
      });
    });
  }

  /** Leaves a send that may have reached the partner to the worker's reconciliation. */
  async function awaitReconciliation(row: SendRow, failure: PartnerError) {
    await db.update(sends).set({ lastError: failure.code, claimedUntil: null, nextAttemptAt: later(reconcileAfterMs) }).where(and(eq(sends.id, row.id), eq(sends.status, "pending")));
  }

  const details = (row: SendRow, extra: object = {}) => ({ partner: row.partner, purpose: row.purpose, fields: row.fields, sendId: row.id, ...(row.requestId ? { requestId: row.requestId } : {}), ...extra });

  /** Delivers in the caller's request, retrying only what the partner calls harmless. */
  async function deliverNow(adapter: AnyPartnerAdapter, row: SendRow, input: unknown): Promise<PartnerSendResult> {
    const request = await prepare(adapter, row, input);
    for (let number = 1; ; number += 1) {
      const result = await attempt(adapter, row, request);
      if (result.kind === "sent") {
        try {
          await settle(row, { status: "sent", reference: result.reference, reason: null, disclose: true });
        } catch (error) {
          // The partner took it: the caller is told so. The row stays in flight and the worker
          // reconciles it (asks the partner), so it is recorded SENT later, never FAILED nor sent twice.
          log.error(details(row, { err: error }), "sent to partner, but the send could not be recorded yet: left for reconciliation");
          return { reference: result.reference, fields: row.fields, deduplicated: false };
        }
        log.info(details(row, { attempt: number }), "sent to partner");
        return { reference: result.reference, fields: row.fields, deduplicated: false };
      }
      const { failure } = result;
      if (result.kind === "not-sent" && number < attempts) {
        await db.update(sends).set({ inFlightSince: null }).where(eq(sends.id, row.id));
        await new Promise((resolve) => setTimeout(resolve, backoff(number)));
        continue;
      }
      if (result.kind === "uncertain") {
        await awaitReconciliation(row, failure).catch((error: unknown) => log.error(details(row, { err: error }), "could not mark a partner send for reconciliation"));
        log.error(details(row, { code: failure.code, err: failure.cause ?? failure }), "partner send may have failed: left for reconciliation");
      } else {
        // Refused, or busy every time: the request reached the partner, so it is recorded FAILED.
        await settle(row, { status: "failed", reference: null, reason: failure.code, disclose: true }).catch((error: unknown) =>
          log.error(details(row, { err: error }), "could not record a failed partner send: left for reconciliation"),
        );
        log.error(details(row, { code: failure.code, err: failure.cause ?? failure }), "partner send failed");
      }
      throw failure;
    }
  }

  /**
   * Sends now, in the caller's request, and answers how it went. The input is not stored (a
   * one-time code's text is a secret): what cannot be settled now is reconciled, not re-sent.
   */
  async function run<Input, Request>(adapter: PartnerAdapter<Input, Request>, send: PartnerSend<Input>, where: { channel?: string } = {}): Promise<PartnerSendResult> {
    const earlier = running.get(send.idempotencyKey);
    if (earlier) return { ...(await earlier), deduplicated: true };
    const delivery = (async () => {
      const { row, created } = await write(adapter, send, channelOf(adapter, where.channel));
      return created ? deliverNow(adapter, row, send.input) : answerEarlier(row);
    })();
    running.set(send.idempotencyKey, delivery);
    try {
      return await delivery;
    } finally {
      running.delete(send.idempotencyKey);
    }
  }

  /**
   * One round of the worker: claims the due pending sends (`FOR UPDATE SKIP LOCKED`, so workers
   * in several processes never take the same one), then reconciles each one in flight and settles
   * each one a request abandoned before calling the partner. Answers how many it handled.
   */
  async function work(adapterFor: (channel: string) => AnyPartnerAdapter | undefined, { batch = 10 } = {}): Promise<number> {
    const at = now();
    const claimed = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(sends)
        .where(and(eq(sends.status, "pending"), lte(sends.nextAttemptAt, at), or(isNull(sends.claimedUntil), lte(sends.claimedUntil, at))))
        .orderBy(asc(sends.nextAttemptAt))
        .limit(batch)
        .for("update", { skipLocked: true });
      if (due.length > 0) await tx.update(sends).set({ claimedUntil: later(leaseMs) }).where(inArray(sends.id, due.map((row) => row.id)));
      return due;
    });
    for (const row of claimed) {
      try {
        await handle(row, adapterFor(row.channel));
      } catch (error) {
        log.error(details(row, { err: error }), "the partner outbox could not handle a send; it is tried again");
      }
    }
    return claimed.length;
  }

  async function handle(row: SendRow, adapter: AnyPartnerAdapter | undefined) {
    // A process where the channel is not configured leaves the send to one where it is.
    if (!adapter) return release(row, later(reconcileAfterMs), "no adapter is configured for this channel here");
    if (row.inFlightSince) return reconcile(row, adapter);
    // Written for delivery in a request that ended before calling the partner: nothing left, and
    // the input is not stored, so it is not sent now either.
    return settle(row, { status: "failed", reference: null, reason: "abandoned before sending", disclose: false });
  }

  /** Asks the partner about a send that may have reached it; UNKNOWN where it cannot say. */
  async function reconcile(row: SendRow, adapter: AnyPartnerAdapter) {
    if (!adapter.reconcile) {
      return settle(row, { status: "unknown", reference: null, reason: "may have reached the partner, which cannot be asked", disclose: true });
    }
    try {
      const fields = await readFieldSet(options.graph, { declaration: adapter.declaration, personId: row.personId, variables: row.variables, requestId: row.requestId ?? undefined });
      // Five seconds' margin for the difference between our clock and the partner's.
      const found = await adapter.reconcile(fields, { since: new Date(row.inFlightSince!.getTime() - 5_000), idempotencyKey: row.idempotencyKey });
      if (found) {
        await settle(row, { status: "sent", reference: found.reference, reason: "reconciled: the partner has it", disclose: true });
        log.info(details(row), "reconciled a partner send: sent");
      } else {
        await settle(row, { status: "failed", reference: null, reason: "reconciled: the partner has no such send", disclose: true });
        log.info(details(row), "reconciled a partner send: the partner has none");
      }
    } catch (error) {
      if (row.reconcileAttempts + 1 >= reconcileAttempts) {
        await settle(row, { status: "unknown", reference: null, reason: "the partner did not answer whether it has the send", disclose: true });
        log.error(details(row, { err: error }), "could not reconcile a partner send: recorded UNKNOWN");
        return;
      }
      await db
        .update(sends)
        .set({ reconcileAttempts: sql`${sends.reconcileAttempts} + 1`, claimedUntil: null, nextAttemptAt: later(backoff(row.reconcileAttempts + 1)) })
        .where(eq(sends.id, row.id));
    }
  }

  /**
   * The outbox's retention: deletes sends settled more than `settledRetentionMs` ago, at most
   * `batch` of them; answers how many. A pending send is never deleted (it may still be reconciled).
   */
  async function prune({ batch = 1000 } = {}): Promise<number> {
    const before = new Date(now().getTime() - settledRetentionMs);
    const expired = db
      .select({ id: sends.id })
      .from(sends)
      .where(and(ne(sends.status, "pending"), lt(sends.settledAt, before)))
      .orderBy(asc(sends.settledAt))
      .limit(batch);
    const deleted = await db.delete(sends).where(inArray(sends.id, expired)).returning({ id: sends.id });
    return deleted.length;
  }

  async function release(row: SendRow, at: Date, reason: string) {
    await db.update(sends).set({ claimedUntil: null, nextAttemptAt: at, lastError: reason }).where(eq(sends.id, row.id));
  }

  /** Runs `work`, then `prune`, every `intervalMs` until stopped; a round still running when the next is due is not doubled. */
  function startWorker(adapterFor: (channel: string) => AnyPartnerAdapter | undefined, { intervalMs = 5_000 } = {}) {
    let round: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (round) return;
      round = work(adapterFor)
        .then(() => prune())
        .then(() => undefined)
        .catch((error: unknown) => log.error({ err: error }, "the partner outbox worker's round failed"))
        .finally(() => {
          round = undefined;
        });
    }, intervalMs);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await round;
      },
    };
  }

  return { run, work, prune, startWorker };
}

export type PartnerRunner = ReturnType<typeof createPartnerRunner>;

/** A PartnerError as the GraphQL caller sees it; anything else stays internal. */
export function toGraphQLError(error: unknown): unknown {
  return error instanceof PartnerError ? new GraphQLError(error.message, { extensions: { code: error.code } }) : error;
}
