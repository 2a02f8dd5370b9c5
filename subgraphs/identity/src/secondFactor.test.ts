import { createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { capabilityFor, type Caller } from "@grondslag/auth";
import { createStaticPolicyLookups } from "@grondslag/policy";
import type { Logger, PlatformServices } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { eq } from "drizzle-orm";
import { graphql, GraphQLError, type ExecutionResult } from "graphql";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { otpChallenges, secondFactors } from "./db/tables.ts";
import { createSubgraph } from "./index.ts";
import { CHALLENGE_WINDOW_MS, CODE_LIFETIME_MS } from "./secondFactor/rules.ts";

// pino is the server package's dependency, not identity's: load it from there, and give it a
// stream that keeps every line, so the test can read what an operator would.
type CreatePino = (options: object, stream: { write(line: string): void }) => Logger;
const { pino } = createRequire(new URL("../../../packages/server/package.json", import.meta.url))("pino") as { pino: CreatePino };
const logLines: string[] = [];
const log = pino({ level: "debug" }, { write: (line) => void logLines.push(line) });

interface Message {
  personId: string;
  channel: "sms" | "email";
  text: string;
}
interface Sent extends Message {
  /** What the partner adapter read from the graph, as partner:twilio, in a request of its own. */
  recipient: string | null;
}

const anna: Caller = { subject: "anna", role: "subject", personId: "anna" };
const bram: Caller = { subject: "bram", role: "subject", personId: "bram" };
const sam: Caller = { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" };
/** Twilio as the gateway forwards it: with a capability for one operation about one person. */
const twilioFor = (personId: string, query: string): Caller => ({ subject: "twilio", role: "partner:twilio", capability: capabilityFor(query, {}, personId) });

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;
let clock: Date;
let sent: Sent[];
/** Every message sent over the whole file (`sent` is per test). */
const allSent: Sent[] = [];
let partnerFailure: GraphQLError | undefined;
/** The partner errs after the message went out (a time-out on its answer): the person has the code. */
let failAfterSending: GraphQLError | undefined;
/** Every call the subgraph made to the partner in this test, sent or not. */
let partnerCalls: number;
/** Every answer of the suite, to show no code ever reached an error. */
const answers: ExecutionResult[] = [];

const otpKey = randomBytes(32).toString("hex");
const services: PlatformServices = {
  otpKey,
  // The fake adapter reads the destination through the graph as Twilio, as the real one does.
  sendToPartner: async (channelName, send) => {
    partnerCalls += 1;
    if (partnerFailure) throw partnerFailure;
    const channel = channelName === "one-time-code:sms" ? "sms" : channelName === "one-time-code:email" ? "email" : undefined;
    if (!channel) throw new Error(`no partner serves ${channelName}`);
    const message: Message = { personId: send.personId, channel, text: (send.input as { text: string }).text };
    const field = message.channel === "sms" ? "smsRecipient" : "mailRecipient";
    const query = `{ _entities(representations: [{ __typename: "Person", id: "${message.personId}" }]) { ... on Person { ${field} } } }`;
    const answer = await run(query, twilioFor(message.personId, query));
    const delivered = { ...message, recipient: (answer.data?._entities as Record<string, string | null>[])[0]![field] ?? null };
    sent.push(delivered);
    allSent.push(delivered);
    if (failAfterSending) throw failAfterSending;
    return { reference: `SM-${allSent.length}` };
  },
  issueSessionToken: async (caller) => ({
    token: `session-for-${caller.subject}-${caller.authMethods!.join()}`,
    expiresAt: new Date(clock.getTime() + 60 * 60 * 1000),
  }),
};

/** What Twilio's declared operations select (integrations/twilio), as the runtime derives it from the registry. */
const twilioUse = { partner: "twilio", purpose: "second-factor-login", legalRole: "processor", basis: "CONTRACT" };
const partnerFields = [
  { ...twilioUse, coordinate: "Query.person", operation: "TwilioSmsRecipient" },
  { ...twilioUse, coordinate: "Person.smsRecipient", operation: "TwilioSmsRecipient" },
  { ...twilioUse, coordinate: "Query.person", operation: "SendGridMailRecipient" },
  { ...twilioUse, coordinate: "Person.mailRecipient", operation: "SendGridMailRecipient" },
];

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log, services, partnerFields, now: () => clock });
  await resetDatabase(database, [subgraph]);
});

beforeEach(async () => {
  await database.execute(`DELETE FROM identity.otp_challenge; DELETE FROM identity.second_factor;`);
  clock = new Date("2031-03-03T09:00:00.000Z");
  sent = [];
  partnerFailure = undefined;
  failAfterSending = undefined;
  partnerCalls = 0;
});

async function run(source: string, caller: Caller | null = anna, variableValues?: Record<string, unknown>, schema = subgraph) {
  const context = schema.createContext(caller);
  // anna has asked support for help with her login: the case the staff reads below rely on.
  context.policy.lookups = createStaticPolicyLookups({ openCases: { anna: [{ id: "case-anna-login", kind: "SUPPORT" }] } });
  const result = await graphql({ schema: schema.schema, source, variableValues, contextValue: context });
  answers.push(result);
  return result;
}

const advance = (milliseconds: number) => {
  clock = new Date(clock.getTime() + milliseconds);
};
const MINUTE = 60 * 1000;

/** The code in the last message sent: the test is the person reading their phone. */
const lastCode = () => /\b(\d{6})\b/.exec(sent.at(-1)!.text)![1]!;
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
const errorOf = (result: ExecutionResult): Record<string, unknown> => ({ message: result.errors?.[0]?.message, ...result.errors?.[0]?.extensions });

const START_ENROLMENT = `mutation ($phone: String!) { startPhoneEnrolment(phone: $phone) { id channel expiresAt attemptsLeft } }`;
const CONFIRM_ENROLMENT = `mutation ($id: ID!, $code: String!) { confirmPhoneEnrolment(challengeId: $id, code: $code) { phoneEnrolled phoneVerifiedAt maskedPhone } }`;
const START_LOGIN = `mutation ($channel: SecondFactorChannel!) { startSecondFactorLogin(channel: $channel) { id channel expiresAt attemptsLeft } }`;
const COMPLETE_LOGIN = `mutation ($id: ID!, $code: String!) { completeSecondFactorLogin(challengeId: $id, code: $code) { token expiresAt } }`;
const ME = `{ me { smsRecipient secondFactor { phoneEnrolled phoneVerifiedAt maskedPhone } } }`;

async function startEnrolment(phone: string, caller: Caller = anna): Promise<string> {
  const result = await run(START_ENROLMENT, caller, { phone });
  expect(result.errors).toBeUndefined();
  return (result.data!.startPhoneEnrolment as { id: string }).id;
}

async function enrol(phone: string, caller: Caller = anna) {
  const id = await startEnrolment(phone, caller);
  const result = await run(CONFIRM_ENROLMENT, caller, { id, code: lastCode() });
  expect(result.errors).toBeUndefined();
}

async function startLogin(channel: "SMS" | "EMAIL", caller: Caller = anna): Promise<string> {
  const result = await run(START_LOGIN, caller, { channel });
  expect(result.errors).toBeUndefined();
  return (result.data!.startSecondFactorLogin as { id: string }).id;
}

describe("second-factor login", () => {
  it("enrols a phone with a code sent to it, in the person's language, and shows where codes go", async () => {
    expect((await run(ME)).data).toEqual({ me: { smsRecipient: null, secondFactor: { phoneEnrolled: false, phoneVerifiedAt: null, maskedPhone: null } } });

    const started = await run(START_ENROLMENT, anna, { phone: "+31 6 9876 5678" });
    expect(started).toEqual({
      data: { startPhoneEnrolment: { id: expect.any(String), channel: "SMS", expiresAt: "2031-03-03T09:10:00.000Z", attemptsLeft: 5 } },
    });
    // The adapter, reading in another request, already saw the number being enrolled.
    expect(sent).toEqual([{ personId: "anna", channel: "sms", text: expect.stringMatching(/^Je Grondslag-code is \d{6}\. Deze code verloopt over 10 minuten\.$/), recipient: "+31698765678" }]);
    expect((await run(ME)).data).toEqual({ me: { smsRecipient: "+31698765678", secondFactor: { phoneEnrolled: false, phoneVerifiedAt: null, maskedPhone: null } } });

    // Only the code's HMAC is stored.
    const id = (started.data!.startPhoneEnrolment as { id: string }).id;
    const [row] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.id, id));
    expect(row!.codeHash).toBe(createHmac("sha256", otpKey).update(`${id}:${lastCode()}`).digest("hex"));

    advance(3 * MINUTE);
    expect(await run(CONFIRM_ENROLMENT, anna, { id, code: lastCode() })).toEqual({
      data: { confirmPhoneEnrolment: { phoneEnrolled: true, phoneVerifiedAt: "2031-03-03T09:03:00.000Z", maskedPhone: "+31 ••• ••• 678" } },
    });
    const enrolled = { phoneEnrolled: true, phoneVerifiedAt: "2031-03-03T09:03:00.000Z", maskedPhone: "+31 ••• ••• 678" };
    expect((await run(ME)).data).toEqual({ me: { smsRecipient: "+31698765678", secondFactor: enrolled } });
    const [factor] = await database.db.select().from(secondFactors).where(eq(secondFactors.personId, "anna"));
    expect(factor).toMatchObject({ phone: "+31698765678", pendingPhone: null });

    // A new enrolment sends to the new number; the enrolled one stays until it is confirmed.
    await startEnrolment("+32470123456");
    expect(sent.at(-1)!.recipient).toBe("+32470123456");
    expect((await run(ME)).data).toEqual({ me: { smsRecipient: "+32470123456", secondFactor: enrolled } });

    // Support staff, while anna's support case is open, see the status, not where codes go.
    const staff = await run(`{ person(id: "anna") { secondFactor { phoneEnrolled maskedPhone } smsRecipient } }`, sam);
    expect(staff.data).toEqual({ person: { secondFactor: { phoneEnrolled: true, maskedPhone: "+31 ••• ••• 678" }, smsRecipient: null } });
    expect(errorOf(staff)).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.smsRecipient" });
  });

  it("refuses a number that is not E.164", async () => {
    const result = await run(START_ENROLMENT, anna, { phone: "0612345678" });
    expect(errorOf(result)).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(sent).toEqual([]);
  });

  it("only the newest enrolment code confirms: an older one went to a number no longer pending", async () => {
    const first = await startEnrolment("+31611111111");
    const firstCode = lastCode();
    const second = await startEnrolment("+31622222222");
    const secondCode = lastCode();
    expect(errorOf(await run(CONFIRM_ENROLMENT, anna, { id: first, code: firstCode }))).toMatchObject({ code: "BAD_USER_INPUT", message: "A newer code was sent: use that one." });
    expect((await run(CONFIRM_ENROLMENT, anna, { id: second, code: secondCode })).errors).toBeUndefined();
    expect((await run(ME)).data).toMatchObject({ me: { smsRecipient: "+31622222222", secondFactor: { maskedPhone: "+31 ••• ••• 222" } } });
  });

  it("logs in with a code by SMS to the enrolled phone", async () => {
    expect(errorOf(await run(START_LOGIN, anna, { channel: "SMS" }))).toEqual({
      code: "BAD_USER_INPUT",
      message: "No phone is enrolled for second-factor login.",
    });
    await enrol("+31698765678");
    const id = await startLogin("SMS");
    expect(sent.at(-1)).toMatchObject({ channel: "sms", recipient: "+31698765678" });
    expect(await run(COMPLETE_LOGIN, anna, { id, code: lastCode() })).toEqual({
      data: { completeSecondFactorLogin: { token: "session-for-anna-otp", expiresAt: "2031-03-03T10:00:00.000Z" } },
    });
  });

  it("logs in with a code by mail, in English for an English speaker", async () => {
    const started = await run(START_LOGIN, sam, { channel: "EMAIL" });
    expect(started.data).toMatchObject({ startSecondFactorLogin: { channel: "EMAIL", attemptsLeft: 5 } });
    const id = (started.data!.startSecondFactorLogin as { id: string }).id;
    expect(sent).toEqual([{ personId: "sam", channel: "email", text: expect.stringMatching(/^Your Grondslag code is \d{6}\. It expires in 10 minutes\.$/), recipient: "sam@grondslag.nl" }]);
    expect(await run(COMPLETE_LOGIN, sam, { id, code: ` ${lastCode().slice(0, 3)} ${lastCode().slice(3)} ` })).toEqual({
      data: { completeSecondFactorLogin: { token: "session-for-sam-otp", expiresAt: "2031-03-03T10:00:00.000Z" } },
    });
  });

  it("counts wrong codes and refuses the sixth attempt even with the right code", async () => {
    const id = await startLogin("EMAIL");
    const code = lastCode();
    for (const attemptsLeft of [4, 3, 2, 1, 0]) {
      const wrong = await run(COMPLETE_LOGIN, anna, { id, code: otherThan(code) });
      expect(wrong.data).toEqual({ completeSecondFactorLogin: null });
      expect(errorOf(wrong)).toEqual({ code: "BAD_USER_INPUT", message: "The code is not correct.", attemptsLeft });
    }
    expect(errorOf(await run(COMPLETE_LOGIN, anna, { id, code }))).toMatchObject({ code: "BAD_USER_INPUT", message: "Too many attempts: request a new code." });
  });

  it("refuses a code once it has expired", async () => {
    const early = await startLogin("EMAIL");
    const earlyCode = lastCode();
    advance(10 * MINUTE - 1);
    expect((await run(COMPLETE_LOGIN, anna, { id: early, code: earlyCode })).errors).toBeUndefined();

    const late = await startLogin("EMAIL");
    const lateCode = lastCode();
    advance(10 * MINUTE);
    expect(errorOf(await run(COMPLETE_LOGIN, anna, { id: late, code: lateCode }))).toEqual({ code: "BAD_USER_INPUT", message: "The code has expired: request a new code." });
  });

  it("uses a code once, also when two checks race", async () => {
    const id = await startLogin("EMAIL");
    const code = lastCode();
    const [one, two] = await Promise.all([run(COMPLETE_LOGIN, anna, { id, code }), run(COMPLETE_LOGIN, anna, { id, code })]);
    const answered = [one!, two!];
    expect(answered.filter((result) => result.errors === undefined)).toHaveLength(1);
    expect(answered.map(errorOf).filter((error) => error.code)).toEqual([{ code: "BAD_USER_INPUT", message: "The code was already used." }]);
    expect(errorOf(await run(COMPLETE_LOGIN, anna, { id, code }))).toEqual({ code: "BAD_USER_INPUT", message: "The code was already used." });
  });

  it("limits a person to five codes per fifteen minutes", async () => {
    for (let index = 0; index < 5; index += 1) await startLogin("EMAIL");
    const refused = await run(START_LOGIN, anna, { channel: "EMAIL" });
    expect(errorOf(refused)).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(sent).toHaveLength(5);
    // Someone else is not affected, and the window moves on.
    await startLogin("EMAIL", bram);
    advance(15 * MINUTE);
    await startLogin("EMAIL");
  });

  it("keeps a challenge whose code could not be sent, marked failed, and undoes the pending phone", async () => {
    const challenges = () => database.db.select({ id: otpChallenges.id, purpose: otpChallenges.purpose, failedAt: otpChallenges.failedAt }).from(otpChallenges).orderBy(otpChallenges.createdAt);
    // First enrolment: no second factor before, none after; the challenge stays, as failed.
    partnerFailure = new GraphQLError("Twilio could not be reached.", { extensions: { code: "PARTNER_UNAVAILABLE" } });
    const failed = await run(START_ENROLMENT, anna, { phone: "+31611111111" });
    expect(failed.data).toEqual({ startPhoneEnrolment: null });
    expect(errorOf(failed)).toEqual({ code: "PARTNER_UNAVAILABLE", message: "Twilio could not be reached." });
    expect(await challenges()).toEqual([{ id: expect.any(String), purpose: "enrol_phone", failedAt: clock }]);
    expect(await database.db.select().from(secondFactors)).toEqual([]);

    // With an enrolment under way: its pending phone is back as it was, and its code still
    // confirms (the failed challenge after it is no "newer code").
    partnerFailure = undefined;
    const pending = await startEnrolment("+31622222222");
    const pendingCode = lastCode();
    partnerFailure = new GraphQLError("The number was refused.", { extensions: { code: "BAD_USER_INPUT" } });
    expect(errorOf(await run(START_ENROLMENT, anna, { phone: "+31633333333" }))).toEqual({ code: "BAD_USER_INPUT", message: "The number was refused." });
    expect((await challenges()).map(({ id, failedAt }) => [id === pending, failedAt !== null])).toEqual([
      [false, true],
      [true, false],
      [false, true],
    ]);
    expect((await run(ME)).data).toMatchObject({ me: { smsRecipient: "+31622222222" } });
    expect((await run(CONFIRM_ENROLMENT, anna, { id: pending, code: pendingCode })).errors).toBeUndefined();
    expect((await run(ME)).data).toMatchObject({ me: { secondFactor: { maskedPhone: "+31 ••• ••• 222" } } });

    // A login code that could not be sent is kept as failed too.
    partnerFailure = new GraphQLError("Twilio could not be reached.", { extensions: { code: "PARTNER_UNAVAILABLE" } });
    expect(errorOf(await run(START_LOGIN, anna, { channel: "SMS" }))).toMatchObject({ code: "PARTNER_UNAVAILABLE" });
    expect((await challenges()).filter((row) => row.purpose === "login")).toEqual([{ id: expect.any(String), purpose: "login", failedAt: clock }]);
  });

  it("never verifies a challenge whose send failed, even with the right code", async () => {
    // The partner sent the message but its answer failed: the person holds the right code.
    failAfterSending = new GraphQLError("Twilio did not answer in time.", { extensions: { code: "PARTNER_UNAVAILABLE" } });
    const failed = await run(START_LOGIN, anna, { channel: "EMAIL" });
    expect(errorOf(failed)).toEqual({ code: "PARTNER_UNAVAILABLE", message: "Twilio did not answer in time." });
    const [row] = await database.db.select().from(otpChallenges);
    const code = lastCode();
    expect(row!.codeHash).toBe(createHmac("sha256", otpKey).update(`${row!.id}:${code}`).digest("hex"));
    const refused = await run(COMPLETE_LOGIN, anna, { id: row!.id, code });
    expect(refused.data).toEqual({ completeSecondFactorLogin: null });
    expect(errorOf(refused)).toEqual({ code: "BAD_USER_INPUT", message: "The code could not be sent: request a new code." });
    // Nor is it an attempt, or consumed.
    expect((await database.db.select().from(otpChallenges))[0]).toMatchObject({ attempts: 0, consumedAt: null, failedAt: clock });

    // An enrolment the same: the phone is not enrolled with the failed challenge's code.
    const enrolment = await run(START_ENROLMENT, anna, { phone: "+31644444444" });
    expect(errorOf(enrolment)).toMatchObject({ code: "PARTNER_UNAVAILABLE" });
    const [enrolRow] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.purpose, "enrol_phone"));
    expect(errorOf(await run(CONFIRM_ENROLMENT, anna, { id: enrolRow!.id, code: lastCode() }))).toEqual({ code: "BAD_USER_INPUT", message: "The code could not be sent: request a new code." });
    expect((await run(ME)).data).toEqual({ me: { smsRecipient: null, secondFactor: { phoneEnrolled: false, phoneVerifiedAt: null, maskedPhone: null } } });

    // A send that works afterwards logs in as before.
    failAfterSending = undefined;
    const id = await startLogin("EMAIL");
    expect((await run(COMPLETE_LOGIN, anna, { id, code: lastCode() })).errors).toBeUndefined();
  });

  it("counts failed sends toward the five codes per fifteen minutes: the sixth start reaches no partner", async () => {
    await enrol("+31698765678");
    advance(15 * MINUTE);
    partnerCalls = 0;
    // A number the partner refuses, tried again and again (SMS pumping): each try is a partner call.
    partnerFailure = new GraphQLError("This phone number cannot receive text messages.", { extensions: { code: "BAD_USER_INPUT" } });
    for (let index = 0; index < 5; index += 1) {
      expect(errorOf(await run(START_ENROLMENT, anna, { phone: "+31600000001" }))).toEqual({ code: "BAD_USER_INPUT", message: "This phone number cannot receive text messages." });
    }
    expect(partnerCalls).toBe(5);
    for (const [source, variables] of [
      [START_ENROLMENT, { phone: "+31600000001" }],
      [START_LOGIN, { channel: "SMS" }],
    ] as const) {
      expect(errorOf(await run(source, anna, variables))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    }
    expect(partnerCalls).toBe(5);
    // The enrolled phone is untouched; once the window moves on, a code is sent and logs in.
    expect((await run(ME)).data).toMatchObject({ me: { smsRecipient: "+31698765678", secondFactor: { phoneEnrolled: true } } });
    advance(15 * MINUTE);
    partnerFailure = undefined;
    const id = await startLogin("SMS");
    expect(partnerCalls).toBe(6);
    expect((await run(COMPLETE_LOGIN, anna, { id, code: lastCode() })).errors).toBeUndefined();
  });

  it("removes a person's challenges that can matter no more when they start a new one, and keeps those that still count", async () => {
    // The retention relies on it: a challenge that has left the window has expired too.
    expect(CODE_LIFETIME_MS).toBeLessThanOrEqual(CHALLENGE_WINDOW_MS);
    const rowsOf = async (personId: string) =>
      (await database.db.select({ id: otpChallenges.id }).from(otpChallenges).where(eq(otpChallenges.personId, personId)).orderBy(otpChallenges.createdAt)).map((row) => row.id);
    const failedLogin = async () => {
      partnerFailure = new GraphQLError("Twilio could not be reached.", { extensions: { code: "PARTNER_UNAVAILABLE" } });
      expect(errorOf(await run(START_LOGIN, anna, { channel: "EMAIL" }))).toMatchObject({ code: "PARTNER_UNAVAILABLE" });
      partnerFailure = undefined;
    };

    // 09:00: a used, an expiring and a failed challenge of anna's, and one of bram's.
    const oldUsed = await startLogin("EMAIL");
    expect((await run(COMPLETE_LOGIN, anna, { id: oldUsed, code: lastCode() })).errors).toBeUndefined();
    await startLogin("EMAIL");
    await failedLogin();
    const bramOld = await startLogin("EMAIL", bram);
    expect(await rowsOf("anna")).toHaveLength(3);

    // 09:10: a used and a failed one again (five in the window, the most there may be); both
    // have expired by 09:20.
    advance(10 * MINUTE);
    const recentUsed = await startLogin("EMAIL");
    expect((await run(COMPLETE_LOGIN, anna, { id: recentUsed, code: lastCode() })).errors).toBeUndefined();
    await failedLogin();
    const recent = (await rowsOf("anna")).slice(3);
    expect(recent).toHaveLength(2);
    expect(recent[0]).toBe(recentUsed);

    // 09:21: the 09:00 challenges have left the window (09:06) and go; the 09:10 ones have
    // expired and are used or failed too, but still count, so they stay. bram's are not touched.
    advance(11 * MINUTE);
    const current = await startLogin("EMAIL");
    expect(await rowsOf("anna")).toEqual([...recent, current]);
    expect(await rowsOf("bram")).toEqual([bramOld]);

    // The current code still verifies, and the kept challenges still count: 2 + 3, then no more.
    expect((await run(COMPLETE_LOGIN, anna, { id: current, code: lastCode() })).errors).toBeUndefined();
    await startLogin("EMAIL");
    await startLogin("EMAIL");
    expect(errorOf(await run(START_LOGIN, anna, { channel: "EMAIL" }))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(await rowsOf("anna")).toHaveLength(5);
    // A removed challenge is no challenge at all.
    expect(errorOf(await run(COMPLETE_LOGIN, anna, { id: oldUsed, code: "123456" }))).toEqual({ code: "BAD_USER_INPUT", message: "No such challenge." });
  });

  it("keeps the newest enrolment code the one that confirms after old challenges are removed", async () => {
    await enrol("+31611111111");
    const oldEnrolment = (await database.db.select({ id: otpChallenges.id }).from(otpChallenges))[0]!.id;
    advance(20 * MINUTE);
    const first = await startEnrolment("+31622222222");
    const firstCode = lastCode();
    const [gone] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.id, oldEnrolment));
    expect(gone).toBeUndefined();
    advance(MINUTE);
    const second = await startEnrolment("+31633333333");
    const secondCode = lastCode();
    expect(errorOf(await run(CONFIRM_ENROLMENT, anna, { id: first, code: firstCode }))).toMatchObject({ message: "A newer code was sent: use that one." });
    expect((await run(CONFIRM_ENROLMENT, anna, { id: second, code: secondCode })).errors).toBeUndefined();
    expect((await run(ME)).data).toMatchObject({ me: { smsRecipient: "+31633333333", secondFactor: { maskedPhone: "+31 ••• ••• 333" } } });
  });

  it("answers someone else's challenge, or one of the other purpose, as no such challenge", async () => {
    const enrolment = await startEnrolment("+31698765678");
    const code = lastCode();
    expect(errorOf(await run(CONFIRM_ENROLMENT, bram, { id: enrolment, code }))).toEqual({ code: "BAD_USER_INPUT", message: "No such challenge." });
    expect(errorOf(await run(COMPLETE_LOGIN, anna, { id: enrolment, code }))).toEqual({ code: "BAD_USER_INPUT", message: "No such challenge." });
    expect(errorOf(await run(CONFIRM_ENROLMENT, anna, { id: "no-such-id", code }))).toEqual({ code: "BAD_USER_INPUT", message: "No such challenge." });
    // None of that cost anna an attempt, or her enrolment.
    expect((await run(CONFIRM_ENROLMENT, anna, { id: enrolment, code })).errors).toBeUndefined();
    expect((await run(`{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { smsRecipient } } }`, bram)).data).toEqual({
      _entities: [{ smsRecipient: null }],
    });

    const login = await startLogin("SMS");
    expect(errorOf(await run(CONFIRM_ENROLMENT, anna, { id: login, code: lastCode() }))).toEqual({ code: "BAD_USER_INPUT", message: "No such challenge." });
  });

  it("lets Twilio read where codes go, and nothing else", async () => {
    await startEnrolment("+31698765678");
    const query = `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { smsRecipient mailRecipient givenName } } }`;
    const result = await run(query, twilioFor("anna", query));
    expect(result.data).toEqual({ _entities: [{ smsRecipient: "+31698765678", mailRecipient: "anna@example.nl", givenName: null }] });
    expect(result.errors?.map((error) => error.extensions?.field)).toEqual(["Person.givenName"]);
    // A capability about anyone else opens none of anna's fields, and without one the role opens nothing.
    for (const other of [twilioFor("bram", query), { subject: "twilio", role: "partner:twilio" } as Caller]) {
      const refused = await run(query, other);
      expect(refused.data).toEqual({ _entities: [{ smsRecipient: null, mailRecipient: null, givenName: null }] });
      expect(refused.errors?.map((error) => error.extensions?.field).sort()).toEqual(["Person.givenName", "Person.mailRecipient", "Person.smsRecipient"]);
      expect(JSON.stringify(refused)).not.toContain("+31698765678");
    }
    // Nor may a partner start anything.
    const start = await run(START_LOGIN, twilioFor("anna", START_LOGIN), { channel: "EMAIL" });
    expect(errorOf(start)).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.secondFactor", policy: "write: self" });
  });

  it("grants Twilio a field only while a declared Twilio operation selects it, whatever the SDL says", async () => {
    await startEnrolment("+31698765678");
    const query = `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { smsRecipient mailRecipient } } }`;
    // The SDL grants partner:twilio both fields; only the SMS declaration is registered here.
    const smsOnly = createSubgraph({ database, log, services, partnerFields: partnerFields.filter((grant) => grant.operation === "TwilioSmsRecipient"), now: () => clock });
    const result = await run(query, twilioFor("anna", query), {}, smsOnly);
    expect(result.data).toEqual({ _entities: [{ smsRecipient: "+31698765678", mailRecipient: null }] });
    expect(result.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([["UNAUTHORIZED_FIELD_OR_TYPE", "Person.mailRecipient"]]);
    expect(JSON.stringify(result.errors)).not.toContain("anna@example.nl");
    // With no partner registered, no partner grant holds.
    const none = await run(query, twilioFor("anna", query), {}, createSubgraph({ database, log, services, now: () => clock }));
    expect(none.data).toEqual({ _entities: [{ smsRecipient: null, mailRecipient: null }] });
    expect(none.errors).toHaveLength(2);
    // The person still reads both.
    expect((await run(query, anna, {}, smsOnly)).data).toEqual({ _entities: [{ smsRecipient: "+31698765678", mailRecipient: "anna@example.nl" }] });
  });

  it("says so when the platform services are not configured", async () => {
    const bare = createSubgraph({ database, log, now: () => clock });
    for (const [source, variables] of [
      [START_LOGIN, { channel: "EMAIL" }],
      [COMPLETE_LOGIN, { id: "x", code: "123456" }],
    ] as const) {
      expect(errorOf(await run(source, anna, variables, bare))).toMatchObject({ code: "NOT_CONFIGURED" });
    }
    const noSessions = createSubgraph({ database, log, now: () => clock, services: { ...services, issueSessionToken: undefined } });
    expect(errorOf(await run(COMPLETE_LOGIN, anna, { id: "x", code: "123456" }, noSessions))).toMatchObject({ code: "NOT_CONFIGURED" });
  });

  it("never lets a code reach an answer or a log line", async () => {
    // The paths that refuse a code, once more, so this test stands on its own.
    const id = await startLogin("EMAIL");
    const code = lastCode();
    for (let attempt = 0; attempt < 6; attempt += 1) await run(COMPLETE_LOGIN, anna, { id, code: otherThan(code) });
    await run(COMPLETE_LOGIN, anna, { id, code });
    const used = await startLogin("EMAIL");
    await run(COMPLETE_LOGIN, anna, { id: used, code: lastCode() });
    await run(COMPLETE_LOGIN, anna, { id: used, code: lastCode() });
    await run(COMPLETE_LOGIN, bram, { id: used, code: lastCode() });
    advance(10 * MINUTE);
    await run(COMPLETE_LOGIN, anna, { id: used, code: lastCode() });

    // Every code this file sent, against every answer and every log line.
    const codes = allSent.map((message) => /\b(\d{6})\b/.exec(message.text)![1]!);
    expect(logLines.some((line) => line.includes("one-time code sent"))).toBe(true);
    const errors = JSON.stringify(answers.flatMap((answer) => (answer.errors ?? []).map((error) => ({ message: error.message, extensions: error.extensions }))));
    expect(errors).toContain("The code is not correct.");
    const logged = logLines.map((line) => JSON.stringify({ ...JSON.parse(line), time: undefined })).join("\n");
    for (const sentCode of codes) {
      const alone = new RegExp(`(?<!\\d)${sentCode}(?!\\d)`);
      expect(errors).not.toMatch(alone);
      expect(logged).not.toMatch(alone);
    }
    expect(logged).not.toMatch(/Grondslag(-| )code/);
  });
});
