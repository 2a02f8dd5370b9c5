import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { queryRows, type DatabaseHandle } from "@grondslag/db";
import { migratePartnerOutbox, partnerSends } from "@grondslag/integration-common";
import { createLogger } from "@grondslag/server";
import { subgraphs } from "@grondslag/supergraph";
import { testDatabaseUrl } from "@grondslag/testing";
import { eq, sql } from "drizzle-orm";
import nock from "nock";
import { afterAll, describe, expect, it } from "vitest";
import { ACCOUNT, CHANNEL, crashRunner, MESSAGES, openStore, RECIPIENT, SERVICE, TOKEN, twilioSms, type CrashStore } from "./fixtures/outboxCrashShared.ts";

// Issue 8's acceptance: a process killed between the partner's answer and the disclosure
// record, then restarted, ends with exactly one send at the partner and one disclosure with the
// right outcome. The kill is real: a child process (test/src/fixtures/outboxCrashChild.ts)
// sends through the outbox with Twilio under nock and is sent SIGKILL once Twilio answered.
// This process is the restart: its worker reconciles the send by asking Twilio's Messages API.
const url = testDatabaseUrl();
const dataDir = url ? undefined : mkdtempSync(join(tmpdir(), "grondslag-outbox-crash-"));
const store: CrashStore = url ? { url } : { dataDir: dataDir! };
const child = fileURLToPath(new URL("./fixtures/outboxCrashChild.ts", import.meta.url));
const testPackage = fileURLToPath(new URL("..", import.meta.url));

afterAll(() => {
  nock.cleanAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type Event = { event: "ready" | "returned" } | { event: "twilio-post"; body: Record<string, string> } | { event: "answered"; reference: string };

/** Runs the child until Twilio answered it, then kills it; answers what it told us and how it ended. */
function runAndKill(idempotencyKey: string, requestId: string): Promise<{ events: Event[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const events: Event[] = [];
    const process_ = spawn(process.execPath, ["--import", "tsx", child, JSON.stringify({ store, idempotencyKey, requestId })], {
      cwd: testPackage,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const deadline = setTimeout(() => process_.kill("SIGKILL"), 60_000);
    process_.on("message", (message: Event) => {
      events.push(message);
      if (message.event === "answered") process_.kill("SIGKILL");
    });
    process_.on("error", reject);
    process_.on("exit", (_code, signal) => {
      clearTimeout(deadline);
      resolve({ events, signal });
    });
  });
}

const page = (messages: object[]) => ({ messages, end: 0, first_page_uri: MESSAGES, next_page_uri: null, page: 0, page_size: 20, previous_page_uri: null, start: 0, uri: MESSAGES });

describe("the partner outbox across a crash", () => {
  it("killed between Twilio's answer and the record, then restarted: one SMS at Twilio, one disclosure SENT", async () => {
    let database: DatabaseHandle = await openStore(store);
    const consent = subgraphs.find(({ module }) => module.name === "consent")!.module;
    await consent.createSubgraph({ database, log: createLogger({ level: "silent" }) }).migrate();
    await migratePartnerOutbox(database);
    // PGlite is one process's: the child opens the folder after this process let go of it.
    if (!url) await database.close();

    const idempotencyKey = `crash-${randomUUID()}`;
    const requestId = `crash-request-${randomUUID().slice(0, 8)}`;
    const { events, signal } = await runAndKill(idempotencyKey, requestId);
    expect(signal).toBe("SIGKILL");
    const posts = events.filter((event) => event.event === "twilio-post");
    expect(posts).toEqual([{ event: "twilio-post", body: expect.objectContaining({ To: RECIPIENT }) }]);
    expect(events.map((event) => event.event)).not.toContain("returned");

    if (!url) database = await openStore(store);
    const sendRow = async () => (await database.db.select().from(partnerSends).where(eq(partnerSends.idempotencyKey, idempotencyKey)))[0];
    const disclosures = () =>
      queryRows<{ outcome: string; reference: string | null; fields: string[]; request_id: string | null }>(
        database.db,
        sql`select outcome, reference, fields, request_id from consent.disclosure where idempotency_key = ${idempotencyKey}`,
      );
    // What the crash left: a pending send marked in flight, and no disclosure, FAILED or other.
    expect(await sendRow()).toMatchObject({ status: "pending", inFlightSince: expect.any(Date), attempts: 1 });
    expect(await disclosures()).toEqual([]);

    // The restart. Twilio, asked, lists the message; a second POST would be counted here.
    let postsAfterRestart = 0;
    nock("https://api.twilio.com")
      .post(MESSAGES)
      .optionally()
      .reply(() => {
        postsAfterRestart += 1;
        return [201, { sid: "SMsecond" }];
      });
    const listed = nock("https://api.twilio.com")
      .get(MESSAGES)
      .query((query) => query.To === RECIPIENT)
      .basicAuth({ user: ACCOUNT, pass: TOKEN })
      .reply(200, page([{ sid: "SMcrash", to: RECIPIENT, messaging_service_sid: SERVICE, date_created: new Date().toUTCString(), status: "sent" }]));

    const runner = crashRunner(database);
    const adapterFor = (channel: string) => (channel === CHANNEL ? twilioSms() : undefined);
    // The dead process's claim holds for its lease: nobody takes its send before it runs out.
    const claimedUntil = (await sendRow())!.claimedUntil!.getTime();
    if (claimedUntil > Date.now() + 200) {
      await runner.work(adapterFor);
      expect(await sendRow()).toMatchObject({ status: "pending", attempts: 1 });
    }
    await sleep(Math.max(0, claimedUntil - Date.now()) + 50);
    await runner.work(adapterFor);

    expect(listed.isDone()).toBe(true);
    expect(posts.length + postsAfterRestart).toBe(1);
    expect(await disclosures()).toEqual([{ outcome: "sent", reference: "SMcrash", fields: ["Person.smsRecipient"], request_id: requestId }]);
    expect(await sendRow()).toMatchObject({ status: "sent", reference: "SMcrash", inFlightSince: null });

    // A later round, or another restart, changes nothing.
    await runner.work(adapterFor);
    expect(await disclosures()).toHaveLength(1);
    if (!url) await database.close();
  }, 120_000);
});
