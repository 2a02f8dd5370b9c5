import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyPair, createTokenSigner, importKeyPair, personas, type Caller, type TokenSigner } from "@grondslag/auth";
import { createAuth, loadEnv, PLATFORM_ISSUER } from "@grondslag/stack";
import { decodeJwt, type JWK } from "jose";
import nock from "nock";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// The production set-up of issue 8: the people's tokens come from an identity provider
// (AUTH_JWKS_URL, here a JWKS served over loopback), and the platform signs its own callers
// with PLATFORM_SIGNING_KEY. Second-factor login (partner capability, service caller, session)
// works end to end; the provider's tokens may name people's roles only.
const ACCOUNT = "ACtest00000000000000000000000000";
const TOKEN = "test-auth-token";
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const IDP_ISSUER = "https://login.example.test/";
const AUDIENCE = "grondslag";

let graph: TestStack;
let jwks: Server;
let idp: TokenSigner;
const dataDir = mkdtempSync(join(tmpdir(), "grondslag-idp-"));
const privateJwk = () => JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }));

beforeAll(async () => {
  const idpKey = await createKeyPair();
  idp = createTokenSigner({ key: idpKey, issuer: IDP_ISSUER, audience: AUDIENCE });
  jwks = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [idpKey.publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const port = (jwks.address() as { port: number }).port;

  const env = loadEnv({
    DATA_DIR: dataDir,
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    AUTH_ISSUER: IDP_ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    GATEWAY_SIGNING_KEY: privateJwk(),
    PLATFORM_SIGNING_KEY: privateJwk(),
  });
  const auth = await createAuth(env);
  expect(auth.issuePersonToken).toBeUndefined();
  const [gatewayKey, platformKey] = await Promise.all([
    importKeyPair(JSON.parse(env.GATEWAY_SIGNING_KEY!) as JWK),
    importKeyPair(JSON.parse(env.PLATFORM_SIGNING_KEY!) as JWK),
  ]);
  const client = twilio(ACCOUNT, TOKEN, { httpClient: new twilio.RequestClient({ keepAlive: false, timeout: 500 }) });
  graph = await startTestStack({
    auth: { auth, gatewayKey, platformKey },
    partners: { twilio: { sms: { client, messagingServiceSid: "MGtest00000000000000000000000000", authToken: TOKEN, statusCallbackUrl: "https://grondslag.example/webhooks/twilio/status" } } },
  });
});
afterAll(async () => {
  nock.cleanAll();
  await graph?.stop();
  await new Promise((resolve) => jwks?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

const as = async (caller: Caller, query: string) => (await postGraphQL(graph.gatewayUrl, query, await idp(caller))).body;

function expectSms(sid: string): Promise<string> {
  return new Promise((resolve) => {
    nock("https://api.twilio.com")
      .post(MESSAGES, (body: Record<string, string>) => (resolve(/\b(\d{6})\b/.exec(body.Body ?? "")?.[1] ?? ""), true))
      .reply(201, { sid, status: "accepted" });
  });
}

describe("with AUTH_JWKS_URL: the identity provider's tokens and the platform's own", () => {
  it("answers the provider's token for a person", async () => {
    expect(await as(personas.anna, `{ me { id } }`)).toEqual({ data: { me: { id: "anna" } } });
  });

  it("second-factor login by SMS works end to end: the partner's capability, the disclosure, the session", async () => {
    const enrolment = expectSms("SM-idp-enrol");
    const started = await as(personas.anna, `mutation { startPhoneEnrolment(phone: "+31611177788") { id } }`);
    expect(started.errors).toBeUndefined();
    const confirmed = await as(
      personas.anna,
      `mutation { confirmPhoneEnrolment(challengeId: "${(started.data?.startPhoneEnrolment as { id: string }).id}", code: "${await enrolment}") { phoneEnrolled } }`,
    );
    expect(confirmed).toEqual({ data: { confirmPhoneEnrolment: { phoneEnrolled: true } } });

    const login = expectSms("SM-idp-login");
    const challenge = await as(personas.anna, `mutation { startSecondFactorLogin(channel: SMS) { id } }`);
    expect(challenge.errors).toBeUndefined();
    const session = await as(
      personas.anna,
      `mutation { completeSecondFactorLogin(challengeId: "${(challenge.data?.startSecondFactorLogin as { id: string }).id}", code: "${await login}") { token } }`,
    );
    expect(session.errors).toBeUndefined();
    const token = (session.data?.completeSecondFactorLogin as { token: string }).token;
    // The session is the platform's: signed with its own key, accepted beside the provider's tokens.
    expect(decodeJwt(token)).toMatchObject({ iss: PLATFORM_ISSUER, sub: "anna", role: "subject", amr: ["otp"] });
    expect((await postGraphQL(graph.gatewayUrl, `{ me { id } }`, token)).body).toEqual({ data: { me: { id: "anna" } } });

    const disclosures = await as(personas.anna, `{ me { disclosures { nodes { partner fields outcome reference } } } }`);
    expect((disclosures.data?.me as { disclosures: { nodes: unknown[] } }).disclosures.nodes).toEqual(
      expect.arrayContaining([
        { partner: "twilio", fields: ["Person.smsRecipient"], outcome: "SENT", reference: "SM-idp-enrol" },
        { partner: "twilio", fields: ["Person.smsRecipient"], outcome: "SENT", reference: "SM-idp-login" },
      ]),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("refuses with 401 a provider's token claiming service or partner:*, and it writes nothing", async () => {
    const before = await as(personas.anna, `{ me { disclosures(first: 100) { nodes { partner reference occurredAt } } } }`);
    // The graph's one write to the disclosure log (a send itself is recorded by the outbox, through SQL).
    const record = `mutation { recordPartnerStatus(partner: "twilio", reference: "SM-idp-login", status: "undelivered") { __typename } }`;
    for (const caller of [{ subject: "job", role: "service" }, personas.twilio, { subject: "ovchip", role: "partner:ovchip" }] as Caller[]) {
      const { status, body } = await postGraphQL(graph.gatewayUrl, record, await idp(caller));
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(body.data).toBeUndefined();
    }
    expect(await as(personas.anna, `{ me { disclosures(first: 100) { nodes { partner reference occurredAt } } } }`)).toEqual(before);
  });
});
