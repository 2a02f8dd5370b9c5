import { randomUUID } from "node:crypto";
import { createPartnerRunner, migratePartnerOutbox, PartnerError, type DisclosureEntry, type DisclosureLog, type GraphClient } from "@grondslag/integration-common";
import { getTestDatabase, type TestDatabase } from "@grondslag/testing";
import { MailService } from "@sendgrid/mail";
import { buildSchema } from "graphql";
import nock from "nock";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSendGridMailAdapter } from "./createSendGridMailAdapter.ts";
import { createTwilioSmsAdapter } from "./createTwilioSmsAdapter.ts";
import { createTwilioStatusWebhook } from "./verifyWebhook.ts";
import { sendGridClient } from "./twilioPartner.ts";

const ACCOUNT = "ACtest00000000000000000000000000";
const TOKEN = "test-auth-token";
const SERVICE = "MGtest00000000000000000000000000";
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const CODE_TEXT = "Je Grondslag-code is 482913. Deze code verloopt over 10 minuten.";

// nock 14 hangs on Twilio's keep-alive agent (nock#3001): the SDK gets a client without it.
const twilioClient = () => twilio(ACCOUNT, TOKEN, { httpClient: new twilio.RequestClient({ keepAlive: false, timeout: 300 }) });
const sms = (client = twilioClient()) => createTwilioSmsAdapter({ client, messagingServiceSid: SERVICE });

/** Fails unless `body` has exactly these keys: the declared minimal set, no more, no fewer. */
function expectExactly(body: Record<string, unknown>, keys: string[]) {
  expect(Object.keys({ ...body }).sort()).toEqual([...keys].sort());
}

const schema = buildSchema(`type Query { person(id: ID!): Person } type Person { smsRecipient: String mailRecipient: String givenName: String }`);
const fakeGraph = (async () => ({ data: { person: { smsRecipient: "+31612345678", mailRecipient: "anna@example.nl" } } })) as GraphClient;
const quiet = { info: () => {}, error: () => {} };

// The runner keeps its sends in the outbox table; the disclosures it records are collected here.
let database: TestDatabase;
beforeAll(async () => {
  database = await getTestDatabase();
  await migratePartnerOutbox(database);
});
const collect = (recorded: DisclosureEntry[]): DisclosureLog => ({ record: async (_tx, entry) => void recorded.push(entry) });
const runnerRecording = (recorded: DisclosureEntry[], options: { backoff?: () => number } = {}) =>
  createPartnerRunner({ graph: fakeGraph, schema, database: database.db, log: quiet, disclosureLog: collect(recorded), ...options });
const key = (name: string) => `otp:${name}:${randomUUID()}`;

// vitest.setup.ts has disabled all network but loopback.
afterAll(() => {
  nock.cleanAll();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("the test network", () => {
  it("reaches no host but loopback", async () => {
    await expect(fetch("https://api.twilio.com/2010-04-01")).rejects.toThrow();
  });
});

describe("Twilio SMS adapter", () => {
  it("sends exactly To, MessagingServiceSid and Body", async () => {
    let sent: Record<string, unknown> = {};
    nock("https://api.twilio.com")
      .post(MESSAGES, (body) => ((sent = { ...body }), true))
      .basicAuth({ user: ACCOUNT, pass: TOKEN })
      .reply(201, { sid: "SM0001", status: "accepted" });
    const adapter = sms();
    const result = await adapter.send(adapter.toRequest({ person: { smsRecipient: "+31612345678" } }, { text: CODE_TEXT }), { idempotencyKey: "k1" });
    expect(result).toEqual({ reference: "SM0001" });
    expect(sent).toEqual({ To: "+31612345678", MessagingServiceSid: SERVICE, Body: CODE_TEXT });
  });

  it("is caught when its mapping adds a field (the exact-field check fails)", async () => {
    let sent: Record<string, unknown> = {};
    nock("https://api.twilio.com").post(MESSAGES, (body) => ((sent = { ...body }), true)).reply(201, { sid: "SM0002" });
    const adapter = sms();
    // A mutant of the mapping that leaks the person's name into the request.
    const leaky = { ...adapter, toRequest: (fields: Record<string, unknown>, input: { text: string }) => ({ ...adapter.toRequest(fields, input), statusCallback: "https://x.example/cb?name=Anna" }) };
    await leaky.send(leaky.toRequest({ person: { smsRecipient: "+31612345678" } }, { text: CODE_TEXT }), { idempotencyKey: "k2" });
    expect(() => expectExactly(sent, ["To", "MessagingServiceSid", "Body"])).toThrow();
    expectExactly(sent, ["To", "MessagingServiceSid", "Body", "StatusCallback"]);
  });

  it("turns an invalid number (400, 21211) into a clear BAD_USER_INPUT, not retried", async () => {
    nock("https://api.twilio.com")
      .post(MESSAGES)
      .reply(400, { code: 21211, message: "The 'To' number +31600000000 is not a valid phone number.", status: 400 });
    const recorded: DisclosureEntry[] = [];
    const runner = runnerRecording(recorded, { backoff: () => 0 });
    const failure = runner.run(sms(), { personId: "anna", input: { text: CODE_TEXT }, idempotencyKey: key("c1") });
    await expect(failure).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: "This phone number cannot receive text messages." });
    // The refusal names no number and no code.
    await failure.catch((error: Error) => expect(error.message).not.toMatch(/\+316|482913/));
    expect(recorded).toEqual([expect.objectContaining({ partner: "twilio", outcome: "failed", fields: ["Person.smsRecipient"] })]);
  });

  it("retries a 429 (never processed, safe to retry) with the same request, then succeeds", async () => {
    const bodies: unknown[] = [];
    nock("https://api.twilio.com")
      .post(MESSAGES, (body) => (bodies.push({ ...body }), true))
      .reply(429, { code: 20429, message: "Too Many Requests", status: 429 })
      .post(MESSAGES, (body) => (bodies.push({ ...body }), true))
      .reply(201, { sid: "SM0003" });
    const recorded: DisclosureEntry[] = [];
    const runner = runnerRecording(recorded, { backoff: () => 0 });
    const idempotencyKey = key("c2");
    const result = await runner.run(sms(), { personId: "anna", input: { text: CODE_TEXT }, idempotencyKey });
    expect(result).toEqual({ reference: "SM0003", fields: ["Person.smsRecipient"], deduplicated: false });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(bodies[1]);
    expect(recorded).toEqual([
      { partner: "twilio", personId: "anna", fields: ["Person.smsRecipient"], purpose: "second-factor-login", basis: "CONTRACT", outcome: "sent", reference: "SM0003", idempotencyKey, requestId: null },
    ]);
  });

  it("does not retry a 5xx or a timeout, which may already have sent the message", async () => {
    nock("https://api.twilio.com").post(MESSAGES).reply(500, { code: 20500, message: "Internal Server Error", status: 500 });
    const recorded: DisclosureEntry[] = [];
    const runner = runnerRecording(recorded, { backoff: () => 0 });
    await expect(runner.run(sms(), { personId: "anna", input: { text: CODE_TEXT }, idempotencyKey: key("c3") })).rejects.toMatchObject({ code: "PARTNER_UNAVAILABLE" });

    nock("https://api.twilio.com").post(MESSAGES).delay(2_000).reply(201, { sid: "SM-late" });
    await expect(runner.run(sms(), { personId: "anna", input: { text: CODE_TEXT }, idempotencyKey: key("c4") })).rejects.toBeInstanceOf(PartnerError);
    nock.abortPendingRequests();
    // Neither is recorded FAILED: both may have gone out, and are left to reconciliation.
    expect(recorded).toEqual([]);
  });

  it("sends once for one idempotency key, however often it is run", async () => {
    nock("https://api.twilio.com").post(MESSAGES).once().reply(201, { sid: "SM0005" });
    const recorded: DisclosureEntry[] = [];
    const runner = runnerRecording(recorded);
    const idempotencyKey = key("c5");
    const send = () => runner.run(sms(), { personId: "anna", input: { text: CODE_TEXT }, idempotencyKey });
    const [first, second] = await Promise.all([send(), send()]);
    expect(first).toMatchObject({ reference: "SM0005", deduplicated: false });
    expect(second).toMatchObject({ reference: "SM0005", deduplicated: true });
    expect(await send()).toMatchObject({ reference: "SM0005", deduplicated: true });
    expect(recorded).toHaveLength(1);
  });
});

describe("Twilio SMS reconciliation", () => {
  const page = (messages: object[]) => ({ messages, end: 0, first_page_uri: MESSAGES, next_page_uri: null, page: 0, page_size: 20, previous_page_uri: null, start: 0, uri: MESSAGES });
  const message = (sid: string, created: Date, service = SERVICE) => ({ sid, to: "+31612345678", messaging_service_sid: service, date_created: created.toUTCString(), status: "sent" });

  it("asks Twilio for the messages to the number and answers ours created since the attempt began", async () => {
    const since = new Date("2026-11-25T12:00:00Z");
    let query: Record<string, unknown> = {};
    nock("https://api.twilio.com")
      .get(MESSAGES)
      .query((q) => ((query = { ...q }), true))
      .basicAuth({ user: ACCOUNT, pass: TOKEN })
      .reply(200, page([message("SM-later", new Date("2026-11-25T12:00:09Z")), message("SM-ours", new Date("2026-11-25T12:00:03Z")), message("SM-before", new Date("2026-11-25T11:59:00Z")), message("SM-other-service", new Date("2026-11-25T12:00:01Z"), "MGother0000000000000000000000000")]));
    const found = await sms().reconcile!({ person: { smsRecipient: "+31612345678" } }, { since, idempotencyKey: "k" });
    expect(found).toEqual({ reference: "SM-ours" });
    expect(query).toMatchObject({ To: "+31612345678" });
  });

  it("answers null when Twilio has no message of ours to the number since then", async () => {
    nock("https://api.twilio.com").get(MESSAGES).query(true).reply(200, page([message("SM-before", new Date("2026-11-25T11:59:00Z"))]));
    expect(await sms().reconcile!({ person: { smsRecipient: "+31612345678" } }, { since: new Date("2026-11-25T12:00:00Z"), idempotencyKey: "k" })).toBeNull();
  });
});

describe("SendGrid mail adapter", () => {
  it("gives up on a call that takes longer than the client's time limit, as one that may have gone out", async () => {
    nock("https://api.sendgrid.com").post("/v3/mail/send").delay(2_000).reply(202, "", { "x-message-id": "sg-late" });
    const adapter = createSendGridMailAdapter({ client: sendGridClient("SG.test", 300), from: "no-reply@grondslag.example" });
    const started = Date.now();
    const sent = adapter.send(adapter.toRequest({ person: { mailRecipient: "anna@example.nl" } }, { text: CODE_TEXT }), { idempotencyKey: "k-late" });
    await expect(sent).rejects.toMatchObject({ code: "PARTNER_UNAVAILABLE", retryable: false });
    expect(Date.now() - started).toBeLessThan(1_500);
    nock.abortPendingRequests();
  });

  it("sends the address and the text, nothing else", async () => {
    let sent: Record<string, unknown> = {};
    nock("https://api.sendgrid.com")
      .post("/v3/mail/send", (body) => ((sent = body), true))
      .matchHeader("authorization", "Bearer SG.test")
      .reply(202, "", { "x-message-id": "sg-0001" });
    const client = new MailService();
    client.setApiKey("SG.test");
    const adapter = createSendGridMailAdapter({ client, from: "no-reply@grondslag.example" });
    const result = await adapter.send(adapter.toRequest({ person: { mailRecipient: "anna@example.nl" } }, { text: CODE_TEXT }), { idempotencyKey: "k" });
    expect(result).toEqual({ reference: "sg-0001" });
    expect(sent).toEqual({
      from: { email: "no-reply@grondslag.example" },
      subject: "Your Grondslag code",
      personalizations: [{ to: [{ email: "anna@example.nl" }] }],
      content: [{ type: "text/plain", value: CODE_TEXT }],
    });
  });
});

describe("delivery status callbacks", () => {
  const url = "https://grondslag.example/webhooks/twilio/status";
  const params = { MessageSid: "SM0001", MessageStatus: "delivered", AccountSid: ACCOUNT, To: "+31612345678" };
  const form = new URLSearchParams(params).toString();

  it("accepts a callback signed with the auth token and passes the status on", async () => {
    const statuses: unknown[] = [];
    const webhook = createTwilioStatusWebhook({ authToken: TOKEN, publicUrl: url, onStatus: async (status) => void statuses.push(status) });
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(await webhook({ "x-twilio-signature": signature }, form)).toEqual({ status: 204, body: "" });
    expect(statuses).toEqual([{ reference: "SM0001", status: "delivered" }]);
  });

  it("refuses an unsigned callback, a wrong signature, and a signed body that was altered", async () => {
    const statuses: unknown[] = [];
    const webhook = createTwilioStatusWebhook({ authToken: TOKEN, publicUrl: url, onStatus: async (status) => void statuses.push(status) });
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    const altered = new URLSearchParams({ ...params, MessageStatus: "failed" }).toString();
    expect(await webhook({}, form)).toMatchObject({ status: 403 });
    expect(await webhook({ "x-twilio-signature": twilio.getExpectedTwilioSignature("another-token", url, params) }, form)).toMatchObject({ status: 403 });
    expect(await webhook({ "x-twilio-signature": signature }, altered)).toMatchObject({ status: 403 });
    expect(statuses).toEqual([]);
  });
});
