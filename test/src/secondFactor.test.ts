import { randomUUID } from "node:crypto";
import diagnostics from "node:diagnostics_channel";
import { queryRows } from "@grondslag/db";
import { fieldCoordinates } from "@grondslag/integration-common";
import { readGraphPolicy } from "@grondslag/policy";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import { mailDeclaration, smsDeclaration, TWILIO_STATUS_PATH, type TwilioConfig } from "@grondslag/twilio";
import { sql } from "drizzle-orm";
import { buildASTSchema, parse } from "graphql";
import { decodeJwt } from "jose";
import nock from "nock";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startGateway } from "./startGateway.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Second-factor login end to end: through the gateway, with Twilio's API intercepted by nock.
const ACCOUNT = "ACtest00000000000000000000000000";
const TOKEN = "test-auth-token";
const SERVICE = "MGtest00000000000000000000000000";
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const STATUS_URL = `https://grondslag.example${TWILIO_STATUS_PATH}`;

let graph: TestStack;
beforeAll(async () => {
  // vitest.setup.ts has disabled all network but loopback.
  // nock 14 hangs on the SDK's keep-alive agent (nock#3001): a client without it.
  const client = twilio(ACCOUNT, TOKEN, { httpClient: new twilio.RequestClient({ keepAlive: false, timeout: 500 }) });
  const twilioConfig: TwilioConfig = { sms: { client, messagingServiceSid: SERVICE, authToken: TOKEN, statusCallbackUrl: STATUS_URL } };
  graph = await startTestStack({ partners: { twilio: twilioConfig } });
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(async () => {
  await graph?.stop();
});

const as = async (persona: "anna" | "bram" | "eva" | "audrey", query: string) => (await postGraphQL(graph.gatewayUrl, query, await graph.tokenFor(persona))).body;

/** Intercepts one SMS; resolves with the exact form body Twilio received. */
function expectSms(sid: string): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    nock("https://api.twilio.com")
      .post(MESSAGES, (body) => (resolve({ ...body }), true))
      .basicAuth({ user: ACCOUNT, pass: TOKEN })
      .reply(201, { sid, status: "accepted" });
  });
}
const codeIn = (body: Record<string, string>) => /\b(\d{6})\b/.exec(body.Body ?? "")?.[1] ?? "";

describe("second-factor login by SMS", () => {
  it("anna enrols her phone and logs in with a code; Twilio gets exactly To, MessagingServiceSid and Body", async () => {
    const enrolmentSms = expectSms("SM-enrol");
    const started = await as("anna", `mutation { startPhoneEnrolment(phone: "+31611122233") { id attemptsLeft } }`);
    expect(started.errors).toBeUndefined();
    const enrolment = await enrolmentSms;
    expect(Object.keys(enrolment).sort()).toEqual(["Body", "MessagingServiceSid", "To"]);
    expect(enrolment).toMatchObject({ To: "+31611122233", MessagingServiceSid: SERVICE });

    const challengeId = (started.data?.startPhoneEnrolment as { id: string }).id;
    const confirmed = await as("anna", `mutation { confirmPhoneEnrolment(challengeId: "${challengeId}", code: "${codeIn(enrolment)}") { phoneEnrolled maskedPhone } }`);
    expect(confirmed).toEqual({ data: { confirmPhoneEnrolment: { phoneEnrolled: true, maskedPhone: expect.stringMatching(/233$/) } } });

    const loginSms = expectSms("SM-login");
    const login = await as("anna", `mutation { startSecondFactorLogin(channel: SMS) { id } }`);
    const sms = await loginSms;
    expect(Object.keys(sms).sort()).toEqual(["Body", "MessagingServiceSid", "To"]);
    expect(sms.To).toBe("+31611122233");

    const loginId = (login.data?.startSecondFactorLogin as { id: string }).id;
    const wrong = await as("anna", `mutation { completeSecondFactorLogin(challengeId: "${loginId}", code: "000000") { token } }`);
    expect(wrong.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(wrong)).not.toContain(codeIn(sms));

    const session = await as("anna", `mutation { completeSecondFactorLogin(challengeId: "${loginId}", code: "${codeIn(sms)}") { token expiresAt } }`);
    const token = (session.data?.completeSecondFactorLogin as { token: string }).token;
    expect(decodeJwt(token)).toMatchObject({ sub: "anna", amr: ["otp"] });
    expect((await postGraphQL(graph.gatewayUrl, `{ me { id } }`, token)).body).toEqual({ data: { me: { id: "anna" } } });

    // Single use: the same code does not log in twice.
    const again = await as("anna", `mutation { completeSecondFactorLogin(challengeId: "${loginId}", code: "${codeIn(sms)}") { token } }`);
    expect(again.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("records each send in the disclosure log: anna reads hers, eva cannot", async () => {
    const own = await as("anna", `{ me { disclosures { nodes { partner fields purpose basis outcome reference } } } }`);
    expect(own.errors).toBeUndefined();
    expect((own.data?.me as { disclosures: { nodes: unknown[] } }).disclosures.nodes).toEqual(
      expect.arrayContaining([
        { partner: "twilio", fields: ["Person.smsRecipient"], purpose: "second-factor-login", basis: "CONTRACT", outcome: "SENT", reference: "SM-enrol" },
        { partner: "twilio", fields: ["Person.smsRecipient"], purpose: "second-factor-login", basis: "CONTRACT", outcome: "SENT", reference: "SM-login" },
      ]),
    );
    const eva = await as("eva", `{ person(id: "anna") { disclosures { nodes { partner } } } }`);
    expect(eva.data).toEqual({ person: { disclosures: null } });
    expect(eva.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.disclosures" });
  });

  it("gives a clear error for a number Twilio refuses, and leaves no half-done enrolment", async () => {
    const before = await as("anna", `{ me { smsRecipient secondFactor { phoneEnrolled maskedPhone } } }`);
    nock("https://api.twilio.com").post(MESSAGES).reply(400, { code: 21211, message: "The 'To' number +31600000001 is not a valid phone number.", status: 400 });
    const refused = await as("anna", `mutation { startPhoneEnrolment(phone: "+31600000001") { id } }`);
    expect(refused.data).toEqual({ startPhoneEnrolment: null });
    expect(refused.errors?.[0]).toMatchObject({ message: "This phone number cannot receive text messages.", extensions: { code: "BAD_USER_INPUT" } });
    expect(await as("anna", `{ me { smsRecipient secondFactor { phoneEnrolled maskedPhone } } }`)).toEqual(before);

    nock("https://api.twilio.com").post(MESSAGES).reply(503, { code: 20503, message: "Service Unavailable", status: 503 });
    const unavailable = await as("anna", `mutation { startSecondFactorLogin(channel: SMS) { id } }`);
    expect(unavailable.errors?.[0]?.extensions?.code).toBe("PARTNER_UNAVAILABLE");
    expect(await as("anna", `{ me { smsRecipient secondFactor { phoneEnrolled maskedPhone } } }`)).toEqual(before);
  });

  // bram, so that anna's codes in this file stay within her limit.
  it("counts sends Twilio refuses toward the limit: the sixth start reaches Twilio no more, and a failed code never verifies", async () => {
    const start = (phone: string) => as("bram", `mutation { startPhoneEnrolment(phone: "${phone}") { id } }`);
    const challenges = () => queryRows<{ id: string; failed_at: Date | null }>(graph.database.db, sql`select id, failed_at from identity.otp_challenge where person_id = 'bram' order by created_at`);

    // Twilio took the message but its answer failed: bram may hold the code, which still does not confirm.
    let code = "";
    nock("https://api.twilio.com")
      .post(MESSAGES, (body: Record<string, string>) => ((code = codeIn(body)), true))
      .reply(503, { code: 20503, message: "Service Unavailable", status: 503 });
    expect((await start("+31611100001")).errors?.[0]?.extensions?.code).toBe("PARTNER_UNAVAILABLE");
    const [failed] = await challenges();
    expect(failed!.failed_at).not.toBeNull();
    expect(code).toMatch(/^\d{6}$/);
    const confirm = await as("bram", `mutation { confirmPhoneEnrolment(challengeId: "${failed!.id}", code: "${code}") { phoneEnrolled } }`);
    expect(confirm.errors?.[0]).toMatchObject({ message: "The code could not be sent: request a new code.", extensions: { code: "BAD_USER_INPUT" } });

    // A number Twilio refuses, tried again: each try is a paid call, until the limit.
    for (let index = 0; index < 4; index += 1) {
      nock("https://api.twilio.com").post(MESSAGES).reply(400, { code: 21211, message: "The 'To' number +31600000001 is not a valid phone number.", status: 400 });
      expect((await start("+31600000001")).errors?.[0]).toMatchObject({ message: "This phone number cannot receive text messages.", extensions: { code: "BAD_USER_INPUT" } });
    }
    expect((await challenges()).map((row) => row.failed_at !== null)).toEqual([true, true, true, true, true]);

    const twilioCall = nock("https://api.twilio.com").post(MESSAGES).reply(201, { sid: "SM-never", status: "accepted" });
    const refused = await start("+31600000001");
    expect(refused.data).toEqual({ startPhoneEnrolment: null });
    expect(refused.errors?.[0]?.extensions?.code).toBe("TOO_MANY_REQUESTS");
    expect(twilioCall.isDone()).toBe(false);
    nock.cleanAll();
    expect(await challenges()).toHaveLength(5);
    expect(await as("bram", `{ me { smsRecipient secondFactor { phoneEnrolled } } }`)).toEqual({ data: { me: { smsRecipient: null, secondFactor: { phoneEnrolled: false } } } });
  });
});

describe("the partner principal partner:twilio", () => {
  const policy = readGraphPolicy(loadSupergraphSdl());
  const schema = buildASTSchema(parse(loadSupergraphSdl()), { assumeValidSDL: true });

  it("is allowed exactly the fields its declared operations select", () => {
    const declared = new Set([smsDeclaration, mailDeclaration].flatMap((declaration) => fieldCoordinates(declaration.fieldSet, schema).selected));
    const allowed = new Set(policy.filter((entry) => entry.read.some((alternative) => alternative.includes("partner:twilio"))).map((entry) => entry.coordinate));
    expect(allowed).toEqual(declared);
  });

  it("gets null and the policy error for every Person field outside its set", async () => {
    const outside = policy.filter((entry) => entry.coordinate.startsWith("Person.") && !["Person.id", "Person.smsRecipient", "Person.mailRecipient"].includes(entry.coordinate));
    const selection = outside.map((entry) => {
      const field = entry.coordinate.slice("Person.".length);
      const type = schema.getType("Person") as import("graphql").GraphQLObjectType;
      const named = (type.getFields()[field]!.type.toString().replace(/[[\]!]/g, ""));
      const composite = schema.getType(named);
      return composite && "getFields" in composite ? `${field} { __typename }` : field;
    });
    // Even with a capability for this very operation about anna, only the declared fields open: the
    // gateway refuses it as none of twilio's declarations, and behind a gateway that let it
    // through, each subgraph answers only the declared fields.
    const query = `{ person(id: "anna") { smsRecipient ${selection.join(" ")} } }`;
    const capability = await graph.capabilityFor("twilio", query, {}, "anna");
    expect((await postGraphQL(graph.gatewayUrl, query, capability)).body.errors?.map((error) => error.extensions?.reason)).toEqual(["UNDECLARED_OPERATION"]);
    const behind = await startGateway(graph);
    const body = await postGraphQL(behind.url, query, capability)
      .then((response) => response.body)
      .finally(() => behind.stop());
    expect((body.data?.person as Record<string, unknown>).smsRecipient).toBe("+31611122233");
    const denied = new Set(body.errors?.map((error) => String(error.extensions?.field)));
    expect(denied).toEqual(new Set(outside.map((entry) => entry.coordinate)));
    expect(body.errors?.every((error) => error.extensions?.code === "UNAUTHORIZED_FIELD_OR_TYPE")).toBe(true);
  });
});

describe("Twilio's delivery status callbacks", () => {
  const statusUrl = () => graph.gatewayUrl.replace(/\/graphql$/, TWILIO_STATUS_PATH);
  const callback = (params: Record<string, string>, signature?: string) =>
    fetch(statusUrl(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(signature ? { "x-twilio-signature": signature } : {}) },
      body: new URLSearchParams(params).toString(),
    });
  const delivered = { MessageSid: "SM-login", MessageStatus: "delivered", AccountSid: ACCOUNT };
  const statusOfLogin = async () =>
    ((await as("audrey", `{ disclosures(first: 100) { nodes { reference deliveryStatus } } }`)).data?.disclosures as { nodes: { reference: string; deliveryStatus: string | null }[] }).nodes.find(
      (disclosure) => disclosure.reference === "SM-login",
    )?.deliveryStatus;

  it("records a signed callback, and a replay of it changes nothing", async () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, STATUS_URL, delivered);
    expect((await callback(delivered, signature)).status).toBe(204);
    expect(await statusOfLogin()).toBe("delivered");
    const log = await as("audrey", `{ disclosures(first: 100) { nodes { id reference deliveryStatus } } }`);
    expect((await callback(delivered, signature)).status).toBe(204);
    expect(await as("audrey", `{ disclosures(first: 100) { nodes { id reference deliveryStatus } } }`)).toEqual(log);
  });

  it("refuses unsigned and wrongly signed callbacks", async () => {
    const failed = { ...delivered, MessageStatus: "failed" };
    expect((await callback(failed)).status).toBe(403);
    expect((await callback(failed, twilio.getExpectedTwilioSignature("not-the-token", STATUS_URL, failed))).status).toBe(403);
    expect(await statusOfLogin()).toBe("delivered");
  });
});

// Last: it enrols another phone for anna, which the tests above do not expect.
describe("the request id on the second-factor send path", () => {
  it("reaches the partner's field-set read and the disclosure record: the x-request-id of the request that asked for the code", async () => {
    const requestId = `login-${randomUUID()}`;
    // Every HTTP request this process makes through fetch (undici), with its headers: the
    // adapter's read of its field set is one, made as partner:twilio to the gateway.
    // (The gateway's forwarding of it to identity is another, to the subgraph's origin.)
    const gateway = new URL(graph.gatewayUrl).origin;
    const partnerReads: (string | undefined)[] = [];
    const onRequest = (message: unknown) => {
      const { request } = message as { request: { origin: string; path: string; headers: string | string[] } };
      const headers = headerMap(request.headers);
      const token = headers.authorization?.replace(/^Bearer /, "");
      if (request.origin === gateway && token && decodeJwt(token).role === "partner:twilio") partnerReads.push(headers["x-request-id"]);
    };
    diagnostics.subscribe("undici:request:create", onRequest);
    const sms = expectSms("SM-request-id");
    try {
      const response = await fetch(graph.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await graph.tokenFor("anna")}`, "x-request-id": requestId },
        body: JSON.stringify({ query: `mutation { startPhoneEnrolment(phone: "+31611122299") { id } }` }),
      });
      expect(response.headers.get("x-request-id")).toBe(requestId);
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      await sms;
    } finally {
      diagnostics.unsubscribe("undici:request:create", onRequest);
    }
    expect(partnerReads).toEqual([requestId]);
    const recorded = await queryRows<{ request_id: string | null; outcome: string }>(graph.database.db, sql`select request_id, outcome from consent.disclosure where reference = 'SM-request-id'`);
    expect(recorded).toEqual([{ request_id: requestId, outcome: "sent" }]);
  });
});

/** undici's request headers: a flat [name, value, ...] array, or (older) one CRLF-separated string. */
function headerMap(headers: string | string[]): Record<string, string> {
  const pairs: [string, string][] = [];
  if (typeof headers === "string") {
    for (const line of headers.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) pairs.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  } else {
    for (let index = 0; index + 1 < headers.length; index += 2) pairs.push([headers[index]!, headers[index + 1]!]);
  }
  return Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value]));
}
