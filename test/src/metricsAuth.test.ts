import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Production's /metrics (METRICS_TOKEN): operation names and refusal and denial counts are for
// the operator's scraper. Every process, the gateway and each subgraph, asks for its token.
const token = randomBytes(32).toString("base64url");
let graph: TestStack;

beforeAll(async () => {
  graph = await startTestStack({ edge: { metricsToken: token } });
  // Something to count: anna's own query through the gateway.
  expect((await postGraphQL(graph.gatewayUrl, `query Me { me { givenName } }`, await graph.tokenFor("anna"))).body.errors).toBeUndefined();
});
afterAll(() => graph.stop());

const metricsUrls = () => [graph.gatewayUrl, ...Object.values(graph.subgraphUrls)].map((url) => url.replace(/\/graphql$/, "/metrics"));

describe("/metrics with a scraper token", () => {
  it("answers 401 without the token, with another token, or with a person's token", async () => {
    const annaToken = await graph.tokenFor("anna");
    for (const url of metricsUrls()) {
      for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, `Bearer ${annaToken}`]) {
        const response = await fetch(url, { headers: authorization ? { authorization } : {} });
        expect(response.status, `${url} with ${authorization?.slice(0, 12) ?? "nothing"}`).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
        const body = await response.text();
        expect(body).not.toContain("graphql_requests");
        expect(body).not.toContain(token);
      }
    }
  });

  it("answers the scraper, in Prometheus' text format, on every process", async () => {
    const [gateway, ...subgraphs] = await Promise.all(
      metricsUrls().map(async (url) => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
        return response.text();
      }),
    );
    expect(gateway).toMatch(/operation="Me"/);
    for (const text of subgraphs) expect(text).toMatch(/^# HELP /m);
  });

  it("leaves /health and /graphql as they were", async () => {
    expect((await fetch(graph.gatewayUrl.replace(/\/graphql$/, "/health"))).status).toBe(200);
  });
});
