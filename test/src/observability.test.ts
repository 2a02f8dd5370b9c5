import { Writable } from "node:stream";
import { createLogger } from "@grondslag/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Every line the gateway and the subgraphs log, at debug, raw: a value must not be in any of them.
const lines: string[] = [];
const log = createLogger({ level: "debug", destination: new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }) });

/** Personal values a client sends in variables; none may reach a log line or a metric. */
const EMAIL = "anna.nieuw@example.nl";
const PHONE = "+31698765432";
const IBAN = "NL91ABNA0417164300";

const UPDATE_CONTACT = /* GraphQL */ `
  mutation UpdateContact($personId: ID!, $email: String, $phone: String) {
    updateContactDetails(personId: $personId, email: $email, phone: $phone) { id }
  }
`;
/** Eleven levels and more, across identity and therapy: refused before planning. */
const TOO_DEEP = `query TooDeep($email: String) { me { ${"memberships { person { careRelationships { patient { ".repeat(3)}givenName${" } } } }".repeat(3)} } }`;

let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack({ log });
  const [anna, mila] = await Promise.all([graph.tokenFor("anna"), graph.tokenFor("mila")]);
  const post = (query: string, token: string, variables: Record<string, unknown>) => postGraphQL(graph.gatewayUrl, query, token, variables);

  // Allowed: anna rectifies her own contact details.
  expect((await post(UPDATE_CONTACT, anna, { personId: "anna", email: EMAIL, phone: PHONE })).body.errors).toBeUndefined();
  // Denied: mila has no relation to anna; the write policy of Person.email refuses her.
  const denied = await post(UPDATE_CONTACT, mila, { personId: "anna", email: `x${EMAIL}`, phone: PHONE });
  expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.email" });
  // Bad input in the resolver: an IBAN is not a phone number.
  const notPhone = await post(UPDATE_CONTACT, anna, { personId: "anna", email: EMAIL, phone: IBAN });
  expect(notPhone.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  // Bad input in variable coercion: graphql-js puts the value itself in the error's message; the
  // gateway answers without it (56665e5), and the log must not hold it either.
  const notAnId = await post(`query PersonById($id: ID!) { person(id: $id) { id } }`, anna, { id: { iban: IBAN, email: EMAIL, phone: PHONE } });
  expect(notAnId.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", variable: "id" });
  expect(JSON.stringify(notAnId.body)).not.toContain(IBAN);
  // Refused by a limit, before planning.
  const deep = await post(TOO_DEEP, anna, { email: EMAIL });
  expect(deep.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_DEEP");
});
afterAll(() => graph?.stop());

async function getMetrics(graphqlUrl: string): Promise<{ contentType: string | null; text: string }> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"));
  expect(response.status).toBe(200);
  return { contentType: response.headers.get("content-type"), text: await response.text() };
}

/** The value of the series `name` whose labels include all of `labels`, summed over the rest. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

describe("logs", () => {
  it("never hold an email, a phone number or an IBAN sent in variables, at any level", () => {
    expect(lines.length).toBeGreaterThan(0);
    const logged = lines.join("");
    for (const value of [EMAIL, "anna.nieuw", PHONE, IBAN, "ABNA0417164300"]) expect(logged).not.toContain(value);
  });

  it("name the request: the gateway takes a safe x-request-id, forwards it, and every subgraph logs with it", async () => {
    lines.length = 0;
    const response = await fetch(graph.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await graph.tokenFor("anna")}`, "x-request-id": "obs-test-1" },
      body: JSON.stringify({ query: `query Mine { me { id carePrograms { title } } }` }),
    });
    expect(response.headers.get("x-request-id")).toBe("obs-test-1");
    const named = lines.map((line) => JSON.parse(line) as { requestId?: string; service?: string; subgraph?: string }).filter((line) => line.requestId === "obs-test-1");
    expect(named).toContainEqual(expect.objectContaining({ service: "gateway" }));
    expect(named).toContainEqual(expect.objectContaining({ subgraph: "identity" }));
    expect(named).toContainEqual(expect.objectContaining({ subgraph: "therapy" }));
  });

  it("replace a request id that is not a short plain token with one of their own", async () => {
    const response = await fetch(graph.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", "x-request-id": `anna@example.nl ${"x".repeat(64)}` }, body: "{}" });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("GET /metrics", () => {
  it("counts the gateway's requests per operation, fetches per subgraph and refusals per limit", async () => {
    const { contentType, text } = await getMetrics(graph.gatewayUrl);
    expect(contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(sample(text, "graphql_requests_total", { operation: "UpdateContact", outcome: "ok" })).toBeGreaterThan(0);
    expect(sample(text, "graphql_requests_total", { operation: "UpdateContact", outcome: "partial" })).toBeGreaterThan(0);
    expect(sample(text, "graphql_request_duration_seconds_count", { operation: "UpdateContact" })).toBeGreaterThan(0);
    expect(sample(text, "subgraph_fetch_duration_seconds_count", { subgraph: "identity" })).toBeGreaterThan(0);
    expect(sample(text, "gateway_refusals_total", { code: "QUERY_TOO_DEEP" })).toBeGreaterThan(0);
  });

  it("counts a subgraph's policy denials per field and policy", async () => {
    const { text } = await getMetrics(graph.subgraphUrls.identity!);
    expect(sample(text, "policy_denials_total", { subgraph: "identity", field: "Person.email", policy: "write: self | rectification-request" })).toBeGreaterThan(0);
    expect(sample(text, "graphql_requests_total", { service: "identity" })).toBeGreaterThan(0);
  });

  it("holds no person's value, nor a query's text", async () => {
    const texts = await Promise.all([graph.gatewayUrl, ...Object.values(graph.subgraphUrls)].map(async (url) => (await getMetrics(url)).text));
    for (const value of ["anna@", "anna.nieuw", "Anna", "+316", IBAN, "memberships"]) expect(texts.join("\n")).not.toContain(value);
  });
});
