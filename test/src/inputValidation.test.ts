import { Writable } from "node:stream";
import { createTokenSigner, personas } from "@grondslag/auth";
import { createLogger } from "@grondslag/server";
import { FORWARDED_AUDIENCE, FORWARDED_ISSUER } from "@grondslag/stack";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postGraphQL, type GraphQLResponse } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Every line the gateway and the subgraphs log, so a test can tell that a refusal left no trace
// there: a caller's malformed input is not an incident, and a stack in the log is how it was seen.
const lines: { level: number; msg?: string }[] = [];
const log = createLogger({ destination: new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(String(chunk))), done()) }) });
const ERROR = 50;

let graph: TestStack;
let asGateway: (persona: keyof typeof personas) => Promise<string>;
beforeAll(async () => {
  graph = await startTestStack({ log });
  const sign = createTokenSigner({ key: graph.gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: 60 });
  asGateway = (persona) => sign(personas[persona]);
});
afterAll(() => graph?.stop());
beforeEach(() => {
  lines.length = 0;
});

const NUL_ID = "an\u0000na";
const LONG_ID = "a".repeat(129);
const LONG_STRING = `${"x".repeat(10_001)}@example.nl`;

interface Case {
  name: string;
  subgraph: "identity" | "therapy";
  query: string;
  variables?: Record<string, unknown>;
  argument: string;
  code: "GRAPHQL_VALIDATION_FAILED" | "BAD_USER_INPUT";
}

const CASES: Case[] = [
  // `\\u0000` is GraphQL's own escape: a raw NUL inside a literal is already a syntax error.
  { name: "an id with a NUL, inline", subgraph: "identity", query: `{ person(id: "an\\u0000na") { id } }`, argument: "id", code: "GRAPHQL_VALIDATION_FAILED" },
  { name: "an id with a NUL, as a variable", subgraph: "identity", query: `query ($id: ID!) { person(id: $id) { id } }`, variables: { id: NUL_ID }, argument: "id", code: "BAD_USER_INPUT" },
  { name: "an over-long id", subgraph: "identity", query: `query ($id: ID!) { person(id: $id) { id } }`, variables: { id: LONG_ID }, argument: "id", code: "BAD_USER_INPUT" },
  {
    name: "an impossible day, inline",
    subgraph: "therapy",
    query: `mutation { recordCompliance(exerciseId: "anna-knee-squat", performedOn: "2023-02-30", done: true) { id } }`,
    argument: "performedOn",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "year 0, as a variable",
    subgraph: "therapy",
    query: `mutation ($day: Date!) { recordCompliance(exerciseId: "anna-knee-squat", performedOn: $day, done: true) { id } }`,
    variables: { day: "0000-01-01" },
    argument: "performedOn",
    code: "BAD_USER_INPUT",
  },
  ...[{ a: 1 }, 20261101, ["2026-11-01"]].map((day): Case => ({
    name: `a day sent as ${JSON.stringify(day)}, as a variable`,
    subgraph: "therapy",
    query: `mutation ($day: Date!) { recordCompliance(exerciseId: "anna-knee-squat", performedOn: $day, done: true) { id } }`,
    variables: { day },
    argument: "performedOn",
    code: "BAD_USER_INPUT",
  })),
  {
    name: "an over-long string, as a variable",
    subgraph: "identity",
    query: `mutation ($email: String) { updateContactDetails(personId: "anna", email: $email) { id } }`,
    variables: { email: LONG_STRING },
    argument: "email",
    code: "BAD_USER_INPUT",
  },
  {
    name: "an over-long string, inline",
    subgraph: "identity",
    query: `mutation { updateContactDetails(personId: "anna", email: "${LONG_STRING}") { id } }`,
    argument: "email",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
];

function expectRefused(response: GraphQLResponse, { argument, code }: Case): void {
  expect(response.status).toBe(400);
  expect(response.body.data).toBeUndefined();
  const errors = response.body.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  // graphql-js's own scalar check may speak too (a subgraph's Date); ours names the argument.
  expect(errors).toContainEqual(expect.objectContaining({ message: expect.stringContaining(`"${argument}"`), extensions: expect.objectContaining({ code, argument }) }));
  for (const error of errors) expect(error.extensions?.code).not.toMatch(/POLICY_EVALUATION_FAILED|INTERNAL_SERVER_ERROR|UNAUTHORIZED/);
  expect(lines.filter((line) => line.level >= ERROR)).toEqual([]);
}

describe("malformed input is refused before anything reads the database", () => {
  it.each(CASES)("through the gateway: $name", async (testCase) => {
    expectRefused(await postGraphQL(graph.gatewayUrl, testCase.query, await graph.tokenFor("anna"), testCase.variables), testCase);
  });

  it.each(CASES)("on the subgraph called directly: $name", async (testCase) => {
    expectRefused(await postGraphQL(graph.subgraphUrls[testCase.subgraph]!, testCase.query, await asGateway("anna"), testCase.variables), testCase);
  });

  it("refuses a NUL in an entity representation sent to a subgraph directly", async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id } } }`;
    const response = await postGraphQL(graph.subgraphUrls.mobility!, query, await asGateway("anna"), { representations: [{ __typename: "Person", id: NUL_ID }] });
    expectRefused(response, { name: "", subgraph: "identity", query, argument: "representations", code: "BAD_USER_INPUT" });
  });

  // Where an operation uses its variables is found once per parsed document; their values are
  // checked on every request: a good value, a bad one and a good one again, of one text.
  it("checks every request's variables, though the places they are used are found once per document", async () => {
    const query = `query ($id: ID!) { ...Who } fragment Who on Query { person(id: $id) { id } }`;
    const refusedId: Case = { name: "", subgraph: "identity", query, argument: "id", code: "BAD_USER_INPUT" };
    for (const [url, token] of [
      [graph.gatewayUrl, await graph.tokenFor("anna")],
      [graph.subgraphUrls.identity!, await asGateway("anna")],
    ] as const) {
      expect((await postGraphQL(url, query, token, { id: "anna" })).body).toEqual({ data: { person: { id: "anna" } } });
      expectRefused(await postGraphQL(url, query, token, { id: NUL_ID }), refusedId);
      expectRefused(await postGraphQL(url, query, token, { id: LONG_ID }), refusedId);
      expect((await postGraphQL(url, query, token, { id: "anna" })).body).toEqual({ data: { person: { id: "anna" } } });
    }
  });

  it("refuses a value of an enum it does not know as a validation error, without a log line", async () => {
    const response = await postGraphQL(graph.gatewayUrl, `mutation { startSecondFactorLogin(channel: PIGEON) { challengeId } }`, await graph.tokenFor("anna"));
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(lines.filter((line) => line.level >= ERROR)).toEqual([]);
  });
});

describe("well-formed input still goes through", () => {
  it("an id, inline and as a variable", async () => {
    const token = await graph.tokenFor("anna");
    expect((await postGraphQL(graph.gatewayUrl, `{ person(id: "anna") { id } }`, token)).body).toEqual({ data: { person: { id: "anna" } } });
    expect((await postGraphQL(graph.gatewayUrl, `query ($id: ID!) { person(id: $id) { id } }`, token, { id: "anna" })).body).toEqual({ data: { person: { id: "anna" } } });
  });

  it("a real day reaches the policy: bram may not record anna's exercise, and is told so, not refused as input", async () => {
    const query = `mutation ($day: Date!) { recordCompliance(exerciseId: "anna-knee-squat", performedOn: $day, done: true) { id } }`;
    for (const day of ["2024-02-29", "2026-11-23"]) {
      const { status, body } = await postGraphQL(graph.gatewayUrl, query, await graph.tokenFor("bram"), { day });
      expect(status).toBe(200);
      expect(body.data).toEqual({ recordCompliance: null });
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
    }
  });

  it("a string at the limit is not refused as input", async () => {
    const email = `${"x".repeat(10_000 - "@example.nl".length)}@example.nl`;
    const { body } = await postGraphQL(graph.gatewayUrl, `mutation ($email: String) { updateContactDetails(personId: "anna", email: $email) { id } }`, await graph.tokenFor("bram"), { email });
    // bram may not write anna's email: the policy answered, so the input was accepted.
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
  });
});
