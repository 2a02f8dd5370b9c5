import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import { loadPersistedQueryManifest, sha256, type GatewayEdgeOptions } from "@grondslag/gateway";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway as startGatewayOver } from "./startGateway.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Issue 9: nothing bounded what a signed-in caller may ask. Each hostile shape must be refused
// in milliseconds with its own code, and must not slow down everyone else's simple queries.

let graph: TestStack;
let anna: string;
const gateways: { stop: () => Promise<void> }[] = [];
const hangingSubgraph: Server = createServer(() => {}); // accepts, never answers

beforeAll(async () => {
  graph = await startTestStack();
  anna = await graph.tokenFor("anna");
  await new Promise<void>((resolve) => hangingSubgraph.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  hangingSubgraph.closeAllConnections();
  hangingSubgraph.close();
  await graph?.stop();
});

/** Another gateway over the test stack's subgraphs, with its own edge settings (stopped after the suite). */
async function startGateway(edge: GatewayEdgeOptions, subgraphUrls = graph.subgraphUrls): Promise<string> {
  const gateway = await startGatewayOver(graph, edge, subgraphUrls);
  gateways.push(gateway);
  return gateway.url;
}

interface Answer {
  status: number;
  ms: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${anna}` }): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, headers: response.headers, body: JSON.parse(text) as Answer["body"] };
}
const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

const SIMPLE = "{ me { id givenName } }";

/** The issue's query: six fragments, each five aliases of memberships → person → careRelationships → patient → the next. */
const issueFanOut = (() => {
  const fragments = Array.from({ length: 6 }, (_, i) => {
    const next = i < 5 ? `...F${i + 1}` : "givenName";
    return `fragment F${i} on Person { ${Array.from({ length: 5 }, (_, a) => `m${a}: memberships { person { careRelationships { patient { ${next} } } } }`).join(" ")} }`;
  });
  return `{ me { ...F0 } } ${fragments.join(" ")}`;
})();
/** The same chain nested twelve times without fragments or aliases: 49 levels across identity and therapy. */
const deepAcrossSubgraphs = `{ me { ${"memberships { person { careRelationships { patient { ".repeat(12)}givenName${" } } } }".repeat(12)} } }`;
/** A fan-out bomb inside one subgraph: fragments spreading the next one five times, no aliases. */
const fanOutInOneSubgraph = `{ me { ...G0 } } ${Array.from({ length: 12 }, (_, i) => `fragment G${i} on Person { givenName ${i < 11 ? `...G${i + 1} `.repeat(5) : ""}}`).join(" ")}`;
const rootAliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i.toString(36)}:me{id}`).join(" ")} }`;

const hostile: { name: string; body: unknown; status: number; code: string }[] = [
  { name: "deep nesting across subgraphs", body: { query: deepAcrossSubgraphs }, status: 400, code: "QUERY_TOO_DEEP" },
  { name: "the issue's fragment fan-out", body: { query: issueFanOut }, status: 400, code: "SELECTION_TOO_LARGE" },
  { name: "a fan-out bomb in one subgraph", body: { query: fanOutInOneSubgraph }, status: 400, code: "SELECTION_TOO_LARGE" },
  { name: "1,000 root aliases", body: { query: rootAliases(1_000) }, status: 400, code: "TOO_MANY_ROOT_FIELDS" },
  { name: "20,000 root aliases", body: { query: rootAliases(20_000) }, status: 400, code: "TOO_MANY_TOKENS" },
  { name: "40 aliases of one field", body: { query: `{ me { ${Array.from({ length: 40 }, (_, i) => `n${i}: givenName`).join(" ")} } }` }, status: 400, code: "TOO_MANY_ALIASES" },
  { name: "lists of lists of lists", body: { query: `{ me { memberships { person { careRelationships { patient { memberships { person { careRelationships { id } } } } } } } } }` }, status: 400, code: "QUERY_TOO_COSTLY" },
  { name: "a 1 MiB body", body: { query: SIMPLE, variables: { padding: "x".repeat(1024 * 1024) } }, status: 413, code: "REQUEST_TOO_LARGE" },
];

describe("an operation the document does not name clearly is the caller's mistake", () => {
  const unresolvable = [
    { name: "two operations and no operationName", body: { query: "query A { me { id } } query B { me { givenName } }" } },
    { name: "an operationName the document does not hold", body: { query: "query A { me { id } }", operationName: "B" } },
    { name: "a subscription", body: { query: "subscription { me { id } }" } },
  ];
  it.each(unresolvable)("refuses $name with 400 and OPERATION_RESOLUTION_FAILURE", async ({ body }) => {
    const answer = await post(graph.gatewayUrl, body);
    expect({ status: answer.status, code: codeOf(answer), data: answer.body.data }).toEqual({ status: 400, code: "OPERATION_RESOLUTION_FAILURE", data: undefined });
  });

  it("runs the named one of several", async () => {
    const answer = await post(graph.gatewayUrl, { query: "query A { me { id } } query B { me { givenName } }", operationName: "B" });
    expect(answer.body).toEqual({ data: { me: { givenName: "Anna" } } });
  });
});

describe("hostile operations are refused before planning", () => {
  it.each(hostile)("refuses $name in under a second with $code", async ({ body, status, code }) => {
    const answer = await post(graph.gatewayUrl, body);
    expect({ status: answer.status, code: codeOf(answer), data: answer.body.data }).toEqual({ status, code, data: undefined });
    expect(answer.ms).toBeLessThan(1000);
  });

  it("keeps a simple query beside them at its normal latency", async () => {
    const simple = async () => {
      const answer = await post(graph.gatewayUrl, { query: SIMPLE });
      expect(answer.body.data).toEqual({ me: { id: "anna", givenName: "Anna" } });
      return answer.ms;
    };
    // Bodies serialised once: client and gateway share this process, and the measure is the gateway's work.
    const bodies = hostile.map((shape) => ({ ...shape, json: JSON.stringify(shape.body) }));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    for (let i = 0; i < 5; i++) await simple(); // warm the plan cache and connections
    // Rounds alternate, so the neighbours' load on the shared cores weighs on both sides alike:
    // the simple query alone, then beside a hostile shape (each in turn, three times over).
    const alone: number[] = [];
    const beside: number[] = [];
    const refusals: number[] = [];
    for (let i = 0; i < bodies.length * 3; i++) {
      alone.push(await simple());
      const shape = bodies[i % bodies.length]!;
      const [ms, answer] = await Promise.all([simple(), post(graph.gatewayUrl, shape.json)]);
      beside.push(ms);
      expect(codeOf(answer)).toBe(shape.code);
      refusals.push(answer.ms);
    }
    const ratio = median(beside) / median(alone);
    // eslint-disable-next-line no-console -- the measured figures are this test's report in the CI log
    console.info(
      `simple query median alone ${median(alone).toFixed(1)} ms, beside a hostile one ${median(beside).toFixed(1)} ms (ratio ${ratio.toFixed(2)}); ` +
        `${refusals.length} refusals, median ${median(refusals).toFixed(1)} ms, slowest ${Math.max(...refusals).toFixed(1)} ms`,
    );
    // Generous for two shared cores, and for the one event loop this process gives the client,
    // the gateway and the subgraphs alike: the simple query shares it with the refusal beside
    // it. Before the limits one of these shapes held the gateway for seconds to over a minute.
    expect(ratio).toBeLessThan(4);
    expect(Math.max(...refusals)).toBeLessThan(1000);
  });

  it("answers what the planner accepts at the limits, and says how long it took", async () => {
    const atLimits = {
      "depth 10 across identity and therapy": `{ me { ${"memberships { person { careRelationships { patient { ".repeat(2)}givenName${" } } } }".repeat(2)} } }`,
      "20 root fields": `{ ${Array.from({ length: 20 }, (_, i) => `r${i}: me { givenName }`).join(" ")} }`,
      "30 aliases": `{ me { ${Array.from({ length: 30 }, (_, i) => `n${i}: givenName`).join(" ")} } }`,
      "1,556 selections from 5 fragments spread 6 times each": `{ me { ...H0 } } ${Array.from({ length: 5 }, (_, i) => `fragment H${i} on Person { givenName ${i < 4 ? `...H${i + 1} `.repeat(6) : ""}}`).join(" ")}`,
      "cost 16,842 of 50,000 across three lists": `{ me { memberships { person { careRelationships { patient { memberships { person { givenName } } } } } } } }`,
    };
    // A fresh plan cache, each limit but cost at its default; cost is tried on the default gateway.
    const gatewayUrl = await startGateway({ limits: { maxCost: 1e9 } });
    for (const [name, query] of Object.entries(atLimits)) {
      const answer = await post(name.startsWith("cost") ? graph.gatewayUrl : gatewayUrl, { query });
      // eslint-disable-next-line no-console -- what the planner still accepts at each limit, reported in the CI log
      console.info(`at the limits, ${name}: HTTP ${answer.status} in ${answer.ms.toFixed(0)} ms (planned and executed)`);
      expect({ name, status: answer.status, code: codeOf(answer) }).toEqual({ name, status: 200, code: undefined });
    }
  });
});

describe("the gateway's edge", () => {
  it("answers an oversized Authorization header with 431 in JSON, not a dropped connection", async () => {
    for (const size of [20 * 1024, 100 * 1024]) {
      const answer = await post(graph.gatewayUrl, { query: SIMPLE }, { authorization: `Bearer ${"x".repeat(size)}` });
      expect({ size, status: answer.status, code: codeOf(answer) }).toEqual({ size, status: 431, code: "HEADERS_TOO_LARGE" });
    }
  });

  it("answers a persisted-query hash that does not match its query as the client's error", async () => {
    const answer = await post(graph.gatewayUrl, { query: SIMPLE, extensions: { persistedQuery: { version: 1, sha256Hash: sha256("{ me { id } }") } } });
    expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 400, code: "PERSISTED_QUERY_HASH_MISMATCH" });
  });

  it("supports automatic persisted queries in development", async () => {
    const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(SIMPLE) } } };
    expect(codeOf(await post(graph.gatewayUrl, byHash))).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await post(graph.gatewayUrl, { ...byHash, query: SIMPLE })).body.data).toEqual({ me: { id: "anna", givenName: "Anna" } });
    expect((await post(graph.gatewayUrl, byHash)).body.data).toEqual({ me: { id: "anna", givenName: "Anna" } });
  });

  it("gives a caller over its rate 429 with Retry-After, and leaves other callers alone", async () => {
    const gatewayUrl = await startGateway({ callerRateLimit: { burst: 3, perSecond: 0.5 } });
    for (let i = 0; i < 3; i++) expect((await post(gatewayUrl, { query: SIMPLE })).status).toBe(200);
    const limited = await post(gatewayUrl, { query: SIMPLE });
    expect({ status: limited.status, code: codeOf(limited), retryAfter: limited.headers.get("retry-after") }).toEqual({ status: 429, code: "RATE_LIMITED", retryAfter: "2" });
    const bram = await post(gatewayUrl, { query: "{ me { id } }" }, { authorization: `Bearer ${await graph.tokenFor("bram")}` });
    expect(bram.body.data).toEqual({ me: { id: "bram" } });
  });

  /**
   * Sends a body declaring `declared` bytes, `send` of them (all it can, once the server reads no
   * more, when `send` is the whole), and never ends it: what the server answers, and whether it
   * closed the connection within 10 s.
   */
  async function sendUnendingBody(declared: number, send: number, path = "/graphql", method = "POST") {
    const url = new URL(graph.gatewayUrl);
    return await new Promise<{ status: number; code: unknown; sent: number; closedByServer: boolean }>((resolve) => {
      let sent = 0;
      let status = 0;
      let body = "";
      const finish = (closedByServer: boolean) => {
        let code: unknown;
        try {
          code = (JSON.parse(body) as Answer["body"]).errors?.[0]?.extensions?.code;
        } catch {
          code = undefined;
        }
        resolve({ status, code, sent, closedByServer });
      };
      const req = request({ host: url.hostname, port: url.port, path, method, headers: { "content-type": "application/json", "content-length": String(declared), authorization: `Bearer ${anna}` } });
      const giveUp = setTimeout(() => {
        req.destroy();
        finish(false);
      }, 10_000);
      req.on("response", (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        res.on("data", (text: string) => (body += text));
      });
      req.on("error", () => {}); // the server closing the connection under the writes
      req.on("close", () => {
        clearTimeout(giveUp);
        finish(true);
      });
      req.flushHeaders();
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        if (req.destroyed || sent + chunk.length > send) return;
        sent += chunk.length;
        if (req.write(chunk)) setImmediate(pump);
        else req.once("drain", pump);
      };
      pump();
    });
  }

  it("answers a body too large that never ends with 413 within seconds, and closes the connection", async () => {
    // Found probing as an attacker: a 60-MB body was read to its end before the 413 (1.5 s of
    // reading), and a body that never ended was never answered.
    const stalled = await sendUnendingBody(64 * 1024 * 1024, 1024 * 1024);
    expect(stalled).toEqual({ status: 413, code: "REQUEST_TOO_LARGE", sent: 1024 * 1024, closedByServer: true });
    // One that keeps coming is cut off after a bounded read, long before its declared 64 MiB.
    const flooding = await sendUnendingBody(64 * 1024 * 1024, 64 * 1024 * 1024);
    expect(flooding.closedByServer).toBe(true);
    expect(flooding.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it("closes the connection after answering a request whose body it does not read, on any path, rather than reading the body to its end", async () => {
    // Found re-probing as an attacker: POST /nope with 256 MiB was read to its end (then 404, keep-alive), as were bodies sent to /health, with a 405 or behind a 431.
    const declared = 64 * 1024 * 1024;
    const flood = (path: string, method: string) =>
      new Promise<{ sent: number }>((resolve) => {
        const url = new URL(graph.gatewayUrl);
        // A raw connection: only the server can end it, and the client never stops to read.
        const socket = connect(Number(url.port), url.hostname);
        let sent = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(giveUp);
          socket.destroy();
          resolve({ sent });
        };
        const giveUp = setTimeout(finish, 10_000);
        socket.on("error", () => {});
        socket.on("close", finish);
        socket.write(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          if (done || sent + chunk.length > declared) return;
          sent += chunk.length;
          if (socket.write(chunk)) setImmediate(pump);
          else socket.once("drain", pump);
        };
        pump();
      });
    for (const [path, method, status] of [["/nope", "POST", 404], ["/health", "POST", 200], ["/graphql", "GET", 405]] as const) {
      // A client that has sent none of its body yet is answered as ever.
      expect((await sendUnendingBody(declared, 0, path, method)).status, path).toBe(status);
      // One that keeps sending is cut off long before its declared 64 MiB (it may miss the answer in the reset: it was told to stop).
      const { sent } = await flood(path, method);
      expect({ path, cutOff: sent < declared }).toEqual({ path, cutOff: true });
    }
  });

  it("counts bodies too large against the client's address, as any refusal before authentication", async () => {
    const gatewayUrl = await startGateway({ refusalRateLimit: { burst: 2, perSecond: 0.1 } });
    const oversized = { query: SIMPLE, variables: { padding: "x".repeat(300 * 1024) } };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(gatewayUrl, oversized));
    expect(answers.map((answer) => `${answer.status} ${codeOf(answer)}`)).toEqual(["413 REQUEST_TOO_LARGE", "413 REQUEST_TOO_LARGE", "429 RATE_LIMITED"]);
    expect(Number(answers[2]!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("refuses a variable graphql-js cannot take without repeating its value, naming the variable", async () => {
    // Found re-probing as an auditor: `Variable "$x" got invalid value { …, notes: "more private notes" }` came back whole.
    const query = `mutation ($x: [ExerciseInput!]!) { createExerciseProgram(careRelationshipId: "tom-anna", title: "T", startedOn: "2026-11-22", exercises: $x) { id } }`;
    const answer = await post(graph.gatewayUrl, { query, variables: { x: [{ name: "Knie", instructions: "een private diagnose XYZ", sets: 3, repetitions: 1, notes: "meer private notities" }] } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", variable: "x" });
    expect(answer.body.errors?.[0]?.message).toMatch(/^Variable "\$x" got an invalid value/);
    expect(JSON.stringify(answer.body)).not.toMatch(/diagnose|notities|Knie/);
  });

  it("answers a path it does not serve with 404 and a code", async () => {
    const response = await fetch(new URL("/nope", graph.gatewayUrl));
    expect({ status: response.status, code: ((await response.json()) as Answer["body"]).errors?.[0]?.extensions?.code }).toEqual({ status: 404, code: "NOT_FOUND" });
  });

  it("counts refusals before authentication against the client's address", async () => {
    const gatewayUrl = await startGateway({ refusalRateLimit: { burst: 2, perSecond: 0.1 } });
    expect((await post(gatewayUrl, { query: SIMPLE }, {})).status).toBe(401);
    expect(codeOf(await post(gatewayUrl, { query: rootAliases(100) }))).toBe("TOO_MANY_ROOT_FIELDS");
    const limited = await post(gatewayUrl, { query: SIMPLE }, { authorization: "Bearer not-a-token" });
    expect({ status: limited.status, code: codeOf(limited), retryAfter: Number(limited.headers.get("retry-after")) }).toEqual({ status: 429, code: "RATE_LIMITED", retryAfter: 10 });
    expect((await post(gatewayUrl, { query: SIMPLE })).status).toBe(200); // a verified caller still gets through
  });

  it("in production runs registered operations only, by hash or in full, without introspection or explorer", async () => {
    const manifest = loadPersistedQueryManifest(fileURLToPath(new URL("../../gateway/persisted-operations.json", import.meta.url)));
    const me = manifest.operations.find((operation) => operation.name === "Me")!;
    const gatewayUrl = await startGateway({ production: true, persistedOperations: manifest });

    const unregistered = await post(gatewayUrl, { query: SIMPLE });
    expect({ status: unregistered.status, code: codeOf(unregistered) }).toEqual({ status: 400, code: "OPERATION_NOT_REGISTERED" });
    const unknownHash = await post(gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(SIMPLE) } } });
    expect(codeOf(unknownHash)).toBe("OPERATION_NOT_REGISTERED");
    expect(codeOf(await post(gatewayUrl, { query: "{ __schema { types { name } } }" }))).toBe("OPERATION_NOT_REGISTERED");

    const byHash = await post(gatewayUrl, { operationName: "Me", extensions: { persistedQuery: { version: 1, sha256Hash: me.id } } });
    expect(byHash.body).toEqual({ data: { me: { id: "anna", givenName: "Anna" } } });
    expect((await post(gatewayUrl, { query: me.body })).body).toEqual({ data: { me: { id: "anna", givenName: "Anna" } } });

    const page = await fetch(gatewayUrl, { headers: { accept: "text/html" } });
    expect(page.status).toBe(405);
  });

  it("turns introspection off in production unless configured on", async () => {
    const introspection = { query: "{ __schema { queryType { name } } }" };
    const off = await post(await startGateway({ production: true, persistedOperations: { format: "apollo-persisted-query-manifest", version: 1, operations: [{ id: sha256(introspection.query), name: "I", type: "query", body: introspection.query }] } }), introspection);
    expect(codeOf(off)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect((await post(graph.gatewayUrl, introspection)).body.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });

  it("answers CORS preflights for allowed origins only, and keeps Apollo's CSRF prevention", async () => {
    const gatewayUrl = await startGateway({ production: true, cors: { allowedOrigins: ["https://app.grondslag.example"] } });
    const preflight = (url: string, origin: string) =>
      fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" } });
    const allowed = await preflight(gatewayUrl, "https://app.grondslag.example");
    expect({ status: allowed.status, origin: allowed.headers.get("access-control-allow-origin"), headers: allowed.headers.get("access-control-allow-headers") }).toEqual({
      status: 204,
      origin: "https://app.grondslag.example",
      headers: expect.stringContaining("authorization"),
    });
    // What Apollo Client sends when it is named, allowed too.
    // And browser tracing's W3C trace context (OpenTelemetry, Sentry), which was blocked.
    for (const header of ["apollographql-client-name", "apollographql-client-version", "apollo-require-preflight", "x-apollo-operation-name", "traceparent", "tracestate", "baggage", "sentry-trace"]) {
      expect(allowed.headers.get("access-control-allow-headers")?.split(", ")).toContain(header);
    }
    // An answer to an allowed origin lets its script read `Retry-After` and the request id.
    const answered = await fetch(gatewayUrl, { method: "POST", headers: { origin: "https://app.grondslag.example", "content-type": "application/json" }, body: JSON.stringify({ query: SIMPLE }) });
    expect(answered.headers.get("access-control-expose-headers")?.split(", ")).toEqual(["retry-after", "x-request-id"]);
    expect((await preflight(gatewayUrl, "https://evil.example")).status).toBe(403);
    expect((await preflight(gatewayUrl, "http://localhost:5173")).status).toBe(403); // production: no localhost
    // Development: local dev servers over http or https, by any of the machine's own names; nothing else.
    for (const origin of ["http://localhost:5173", "https://localhost:3000", "http://127.0.0.1:8080", "https://[::1]:5173"]) expect((await preflight(graph.gatewayUrl, origin)).status, origin).toBe(204);
    for (const origin of ["https://localhost.evil.example", "http://localhost.example:80", "https://evil.example"]) expect((await preflight(graph.gatewayUrl, origin)).status, origin).toBe(403);

    // A form post (text/plain, no preflight) is what CSRF prevention refuses.
    const form = await fetch(graph.gatewayUrl, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${anna}` }, body: JSON.stringify({ query: SIMPLE }) });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/CSRF/);
  });

  it("answers with partial data and SUBGRAPH_TIMEOUT when a subgraph hangs", async () => {
    const address = hangingSubgraph.address() as { port: number };
    const gatewayUrl = await startGateway({ subgraphTimeoutMs: 300 }, { ...graph.subgraphUrls, mobility: `http://127.0.0.1:${address.port}/graphql` });
    const answer = await post(gatewayUrl, { query: "{ me { givenName trips { nodes { purpose } } } }" });
    expect(answer.ms).toBeLessThan(3000);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ me: { givenName: "Anna", trips: null } });
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(["SUBGRAPH_TIMEOUT"]);
  });
});
