import { createKeyPair, createTokenSigner, personas } from "@grondslag/auth";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, TEST_AUDIENCE, TEST_ISSUER, type TestStack } from "./startTestStack.ts";

let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack();
});
afterAll(() => graph?.stop());

const ME = /* GraphQL */ `{ me { id givenName } }`;

async function refusal(token?: string) {
  const { status, body } = await postGraphQL(graph.gatewayUrl, ME, token);
  return { status, data: body.data, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message };
}

describe("the gateway verifies the caller's token", () => {
  it("answers a valid token", async () => {
    const { status, body } = await postGraphQL(graph.gatewayUrl, ME, await graph.tokenFor("anna"));
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { id: "anna", givenName: "Anna" } } });
  });

  it("refuses a request without a token", async () => {
    expect(await refusal()).toEqual({
      status: 401,
      data: undefined,
      code: "UNAUTHENTICATED",
      message: "A bearer token is required: send 'Authorization: Bearer <token>'.",
    });
  });

  it("refuses an expired token", async () => {
    const expired = await new SignJWT({ role: "subject", person: "anna" })
      .setProtectedHeader({ alg: "ES256", kid: graph.issuerKey.kid })
      .setSubject("anna")
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(graph.issuerKey.privateKey);
    expect(await refusal(expired)).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: "The token has expired." });
  });

  it("refuses a token from another issuer", async () => {
    const sign = createTokenSigner({ key: graph.issuerKey, issuer: "https://evil.example", audience: TEST_AUDIENCE });
    expect(await refusal(await sign(personas.anna))).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
      message: "The token was not issued by a trusted issuer.",
    });
  });

  it("refuses a token meant for another audience", async () => {
    const sign = createTokenSigner({ key: graph.issuerKey, issuer: TEST_ISSUER, audience: "some-other-api" });
    expect(await refusal(await sign(personas.anna))).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
      message: "The token is not meant for this service.",
    });
  });

  it("refuses a token signed with a key it does not trust, even under the trusted key's id", async () => {
    const stranger = await createKeyPair();
    const underOwnKid = createTokenSigner({ key: stranger, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const underTrustedKid = createTokenSigner({ key: { ...stranger, kid: graph.issuerKey.kid }, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    for (const token of [await underOwnKid(personas.anna), await underTrustedKid(personas.anna)]) {
      expect(await refusal(token)).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: "The token's signature does not verify." });
    }
  });

  it("refuses an unsigned or mangled token", async () => {
    const [header, payload] = (await graph.tokenFor("anna")).split(".");
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${payload}.`;
    for (const token of [unsigned, `${header}.${payload}.AAAA`, "not-a-jwt"]) {
      expect(await refusal(token)).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    }
  });

  it("refuses a token whose role is unknown", async () => {
    const sign = createTokenSigner({ key: graph.issuerKey, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const token = await sign({ subject: "anna", role: "superuser" as never, personId: "anna" });
    expect(await refusal(token)).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: "The token does not name a valid caller and role." });
  });

  it("keeps its health endpoint open", async () => {
    const response = await fetch(graph.gatewayUrl.replace(/graphql$/, "health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", service: "gateway" });
  });
});
