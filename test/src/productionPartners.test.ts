import { sha256, type PersistedQueryManifest } from "@grondslag/gateway";
import nock from "nock";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Production runs registered operations only (gateway/persisted-operations.json). The platform's
// own sends go through that same front door: the partners' declared field sets and the status
// record are registered by the stack itself, so a second-factor login works with a manifest
// that holds the frontend's operations and nothing of ours.
const ACCOUNT = "ACtest00000000000000000000000000";
const TOKEN = "test-auth-token";
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;

const FRONTEND = {
  StartPhoneEnrolment: `mutation StartPhoneEnrolment($phone: String!) { startPhoneEnrolment(phone: $phone) { id } }`,
  ConfirmPhoneEnrolment: `mutation ConfirmPhoneEnrolment($id: ID!, $code: String!) { confirmPhoneEnrolment(challengeId: $id, code: $code) { phoneEnrolled } }`,
  StartLogin: `mutation StartLogin { startSecondFactorLogin(channel: SMS) { id } }`,
  CompleteLogin: `mutation CompleteLogin($id: ID!, $code: String!) { completeSecondFactorLogin(challengeId: $id, code: $code) { token } }`,
  MyDisclosures: `query MyDisclosures { me { disclosures(first: 100) { nodes { partner fields outcome reference } } } }`,
};
const manifest: PersistedQueryManifest = {
  format: "apollo-persisted-query-manifest",
  version: 1,
  operations: Object.entries(FRONTEND).map(([name, body]) => ({ id: sha256(body), name, type: body.startsWith("query") ? "query" : "mutation", body })),
};

let graph: TestStack;
beforeAll(async () => {
  const client = twilio(ACCOUNT, TOKEN, { httpClient: new twilio.RequestClient({ keepAlive: false, timeout: 500 }) });
  graph = await startTestStack({
    partners: { twilio: { sms: { client, messagingServiceSid: "MGtest00000000000000000000000000", authToken: TOKEN, statusCallbackUrl: "https://grondslag.example/webhooks/twilio/status" } } },
    edge: { production: true, persistedOperations: manifest },
  });
});
afterAll(async () => {
  nock.cleanAll();
  await graph?.stop();
});

/** Sends a registered operation by its hash alone, as a production client does. */
async function run(name: keyof typeof FRONTEND, variables: Record<string, unknown> = {}) {
  const response = await fetch(graph.gatewayUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await graph.tokenFor("anna")}` },
    body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(FRONTEND[name]) } } }),
  });
  return (await response.json()) as { data?: Record<string, Record<string, unknown>>; errors?: { extensions?: { code?: string } }[] };
}

function expectSms(sid: string): Promise<string> {
  return new Promise((resolve) => {
    nock("https://api.twilio.com")
      .post(MESSAGES, (body: Record<string, string>) => (resolve(/\b(\d{6})\b/.exec(body.Body ?? "")?.[1] ?? ""), true))
      .reply(201, { sid, status: "accepted" });
  });
}

describe("production: registered operations only", () => {
  it("refuses an operation nobody registered", async () => {
    const refused = await postGraphQL(graph.gatewayUrl, `{ me { givenName } }`, await graph.tokenFor("anna"));
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("OPERATION_NOT_REGISTERED");
  });

  it("still lets the platform's partner read its declared field set: second-factor login by SMS end to end", async () => {
    const enrolment = expectSms("SM-prod-enrol");
    const started = await run("StartPhoneEnrolment", { phone: "+31611122233" });
    expect(started.errors).toBeUndefined();
    expect(await run("ConfirmPhoneEnrolment", { id: started.data!.startPhoneEnrolment!.id, code: await enrolment })).toEqual({
      data: { confirmPhoneEnrolment: { phoneEnrolled: true } },
    });

    const login = expectSms("SM-prod-login");
    const challenge = await run("StartLogin");
    expect(challenge.errors).toBeUndefined();
    const session = await run("CompleteLogin", { id: challenge.data!.startSecondFactorLogin!.id, code: await login });
    expect(session.errors).toBeUndefined();
    expect(session.data?.completeSecondFactorLogin?.token).toEqual(expect.any(String));

    const disclosures = (await run("MyDisclosures")).data?.me?.disclosures as { nodes: unknown[] };
    expect(disclosures.nodes).toEqual(
      expect.arrayContaining([
        { partner: "twilio", fields: ["Person.smsRecipient"], outcome: "SENT", reference: "SM-prod-enrol" },
        { partner: "twilio", fields: ["Person.smsRecipient"], outcome: "SENT", reference: "SM-prod-login" },
      ]),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });
});
