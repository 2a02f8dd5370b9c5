import { capabilityFor, claimsFromCaller, createTokenSigner, personas } from "@grondslag/auth";
import { PLATFORM_AUDIENCE, PLATFORM_ISSUER } from "@grondslag/stack";
import { mailDeclaration, smsDeclaration } from "@grondslag/twilio";
import { decodeJwt, SignJWT } from "jose";
import nock from "nock";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL, type GraphQLResponse } from "./postGraphQL.ts";
import { startGateway } from "./startGateway.ts";
import { startTestStack, TEST_AUDIENCE, TEST_ISSUER, type TestStack } from "./startTestStack.ts";

// Issue 8: a partner holds a capability for one declared operation, its variables and one
// person, for about a minute; through the gateway it opens that person's declared fields and
// nothing else, and every refusal is the policy's error with nothing personal in it.
const ACCOUNT = "ACtest00000000000000000000000000";
const TOKEN = "test-auth-token";
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const PHONES = { anna: "+31611100001", bram: "+31622200002" } as const;

let graph: TestStack;
/** A gateway without the stack's check of twilio's declared operations: what the subgraphs meet behind it. */
let behind: Awaited<ReturnType<typeof startGateway>>;
/** What anna and bram read of themselves: the values a refusal must never contain. */
const own: Record<"anna" | "bram", { smsRecipient: string; mailRecipient: string }> = {} as never;

beforeAll(async () => {
  const client = twilio(ACCOUNT, TOKEN, { httpClient: new twilio.RequestClient({ keepAlive: false, timeout: 500 }) });
  graph = await startTestStack({
    partners: { twilio: { sms: { client, messagingServiceSid: "MGtest00000000000000000000000000", authToken: TOKEN, statusCallbackUrl: "https://grondslag.example/webhooks/twilio/status" } } },
  });
  // Both start enrolling a phone (the runner reads each number with its own capability): from
  // then on each has an smsRecipient.
  for (const person of ["anna", "bram"] as const) {
    nock("https://api.twilio.com").post(MESSAGES).reply(201, { sid: `SM-${person}`, status: "accepted" });
    const started = await postGraphQL(graph.gatewayUrl, `mutation { startPhoneEnrolment(phone: "${PHONES[person]}") { id } }`, await graph.tokenFor(person));
    expect(started.body.errors).toBeUndefined();
    own[person] = (await postGraphQL(graph.gatewayUrl, `{ me { smsRecipient mailRecipient } }`, await graph.tokenFor(person))).body.data?.me as never;
  }
  expect(own.anna.smsRecipient).toBe(PHONES.anna);
  expect(own.bram.smsRecipient).toBe(PHONES.bram);
  expect(nock.pendingMocks()).toEqual([]);
  behind = await startGateway(graph);
});
afterAll(async () => {
  nock.cleanAll();
  await behind?.stop();
  await graph?.stop();
});

const SMS = smsDeclaration.fieldSet;
const annasSms = () => graph.capabilityFor("twilio", SMS, { personId: "anna" }, "anna");

/** The refusal a capability outside its scope meets: 403, the policy's code, no data, nobody's values. */
function expectPolicyRefusal(response: GraphQLResponse, reason: string) {
  expect(response.status).toBe(403);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", reason });
  expectNothingPersonal(response);
}

function expectNothingPersonal(response: GraphQLResponse) {
  const text = JSON.stringify(response.body);
  for (const values of Object.values(own)) for (const value of Object.values(values)) expect(text).not.toContain(value);
  expect(text).not.toMatch(/bram|anna/);
}

describe("a partner capability through the gateway", () => {
  it("reads the declared field of the person it names, as that person reads it", async () => {
    const { status, body } = await postGraphQL(graph.gatewayUrl, SMS, await annasSms(), { personId: "anna" });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { person: { smsRecipient: own.anna.smsRecipient } } });
  });

  it("lives about a minute, signed by the platform's issuer, naming its operation, variables and person", async () => {
    const claims = decodeJwt(await annasSms());
    expect(claims).toMatchObject({ iss: PLATFORM_ISSUER, aud: PLATFORM_AUDIENCE, role: "partner:twilio", cap: { vars: { personId: "anna" }, person: "anna" } });
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(claims).not.toHaveProperty("person");
  });

  it("cannot read bram's smsRecipient: other variables are refused before anything is planned", async () => {
    expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, SMS, await annasSms(), { personId: "bram" }), "OTHER_VARIABLES");
    // Extra or missing variables are other variables too.
    expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, SMS, await annasSms(), { personId: "anna", extra: "x" }), "OTHER_VARIABLES");
    expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, SMS, await annasSms()), "OTHER_VARIABLES");
  });

  it("cannot run another operation, not even another of the partner's own declarations", async () => {
    for (const query of [mailDeclaration.fieldSet, `{ person(id: "bram") { smsRecipient } }`, `${SMS} `, `{ me { id } }`]) {
      expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, query, await annasSms(), { personId: "anna" }), "OTHER_OPERATION");
    }
  });

  it("is refused for an operation none of the partner's declarations is, though the platform's key signed it", async () => {
    // Found probing as a partner: a capability signed for an undeclared operation selecting every
    // field of the person read the partner's granted fields (mailRecipient) out of it.
    const undeclared = /* GraphQL */ `query Wider($personId: ID!) { person(id: $personId) { id mailRecipient smsRecipient email phone givenName } }`;
    const capability = await graph.capabilityFor("twilio", undeclared, { personId: "anna" }, "anna");
    expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, undeclared, capability, { personId: "anna" }), "UNDECLARED_OPERATION");
    // The declared one still reads.
    expect((await postGraphQL(graph.gatewayUrl, SMS, await annasSms(), { personId: "anna" })).body).toEqual({ data: { person: { smsRecipient: own.anna.smsRecipient } } });
  });

  it("binds one operation: a document holding two is refused whichever it names", async () => {
    const document = `${SMS}\n${mailDeclaration.fieldSet}`;
    const capability = await graph.capabilityFor("twilio", document, { personId: "anna" }, "anna");
    const response = await fetch(graph.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${capability}` },
      body: JSON.stringify({ query: document, variables: { personId: "anna" }, operationName: "SendGridMailRecipient" }),
    });
    expectPolicyRefusal({ status: response.status, body: (await response.json()) as GraphQLResponse["body"] }, "OTHER_OPERATION");
  });

  it("is refused after expiry", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = claimsFromCaller({ ...personas.twilio, capability: capabilityFor(SMS, { personId: "anna" }, "anna") });
    const expired = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "ES256", kid: graph.platformKey.kid })
      .setIssuer(PLATFORM_ISSUER)
      .setAudience(PLATFORM_AUDIENCE)
      .setIssuedAt(now - 90)
      .setExpirationTime(now - 30)
      .sign(graph.platformKey.privateKey);
    expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, SMS, expired, { personId: "anna" }), "CAPABILITY_EXPIRED");
  });

  it("opens nothing about another person even for an operation it was issued for (the subgraphs check the person)", async () => {
    // A capability for anna, issued for an operation that names bram in its text: the gateway
    // refuses it as no declaration of twilio's; behind a gateway that let it through, the policy
    // in identity finds the records are not anna's.
    const query = `{ person(id: "bram") { smsRecipient } }`;
    expectPolicyRefusal(await postGraphQL(graph.gatewayUrl, query, await graph.capabilityFor("twilio", query, {}, "anna")), "UNDECLARED_OPERATION");
    const response = await postGraphQL(behind.url, query, await graph.capabilityFor("twilio", query, {}, "anna"));
    expect(response.body.data).toEqual({ person: null });
    expect(response.body.errors?.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Query.person", policy: expect.stringContaining("partner:twilio") }),
    ]);
    expectNothingPersonal(response);
  });

  it("takes the variables a field set names, beyond $personId, with the subject from the record", async () => {
    const query = `query TwilioByRecipient($recipient: ID!) { person(id: $recipient) { smsRecipient } }`;
    // (Not one of twilio's declarations: asked behind the gateway's check of those, as a declaration with such variables would be.)
    const forAnna = await graph.capabilityFor("twilio", query, { recipient: "anna" }, "anna");
    expect((await postGraphQL(behind.url, query, forAnna, { recipient: "anna" })).body).toEqual({ data: { person: { smsRecipient: own.anna.smsRecipient } } });
    // Variables that reach bram's record under a capability naming anna: refused by the policy.
    const mismatched = await graph.capabilityFor("twilio", query, { recipient: "bram" }, "anna");
    const response = await postGraphQL(behind.url, query, mismatched, { recipient: "bram" });
    expect(response.body.data).toEqual({ person: null });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Query.person" });
    expectNothingPersonal(response);
  });
});

describe("the platform's callers are the platform's own", () => {
  it("a people's-issuer token claiming service or partner:* is refused with 401", async () => {
    const people = createTokenSigner({ key: graph.issuerKey, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const claimed = [
      { subject: "twilio-adapter", role: "service" as const },
      { subject: "twilio", role: "partner:twilio" as const },
      { ...personas.twilio, capability: capabilityFor(SMS, { personId: "anna" }, "anna") },
    ];
    for (const caller of claimed) {
      const { status, body } = await postGraphQL(graph.gatewayUrl, SMS, await people(caller), { personId: "anna" });
      expect(status).toBe(401);
      expect(body).toEqual({ errors: [{ message: "This issuer may name people's roles only: service and partner callers are the platform's own.", extensions: { code: "UNAUTHENTICATED" } }] });
    }
  });

  it("the platform's issuer gives a partner no general token, and the gateway accepts none", async () => {
    await expect(graph.auth.issueToken(personas.twilio)).rejects.toThrow(/never with a general token/);
    const forged = createTokenSigner({ key: graph.platformKey, issuer: PLATFORM_ISSUER, audience: PLATFORM_AUDIENCE });
    const { status, body } = await postGraphQL(graph.gatewayUrl, SMS, await forged(personas.twilio), { personId: "anna" });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("a capability signed with any other key is refused, even under the platform's issuer and key id", async () => {
    const caller = { ...personas.twilio, capability: capabilityFor(SMS, { personId: "anna" }, "anna") };
    const underPlatformKid = createTokenSigner({ key: { ...graph.issuerKey, kid: graph.platformKey.kid }, issuer: PLATFORM_ISSUER, audience: PLATFORM_AUDIENCE });
    const { status, body } = await postGraphQL(graph.gatewayUrl, SMS, await underPlatformKid(caller), { personId: "anna" });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe("The token's signature does not verify.");
  });
});
