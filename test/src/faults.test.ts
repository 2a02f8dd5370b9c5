import { createDatabase, queryRows } from "@grondslag/db";
import { createServer } from "node:http";
import { createGateway } from "@grondslag/gateway";
import { close, createSubgraphServer, createLogger, type Subgraph, type SubgraphServer } from "@grondslag/server";
import { createForwarding } from "@grondslag/stack";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import { createLocalJWKSet, createTokenVerifier } from "@grondslag/auth";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, TEST_AUDIENCE, TEST_ISSUER, type TestStack } from "./startTestStack.ts";

// Issue 10, part 1: a subgraph that is down yields the rest of the answer and an error for the
// missing part, and the gateway recovers by itself when it returns; a PostgreSQL restart is
// survived without restarting any process; stopping a server drains the requests in flight.

const HOME_SCREEN = "{ me { givenName carePrograms { title } trips { nodes { purpose } } invoices { nodes { number } } consents { purpose { id } } } }";
const log = createLogger({ level: "silent" });

let graph: TestStack;
let anna: string;
/** Servers a test started itself, stopped after the suite. */
const started: SubgraphServer[] = [];

beforeAll(async () => {
  graph = await startTestStack();
  anna = await graph.tokenFor("anna");
});
afterAll(async () => {
  for (const server of started) await server.stop();
  await graph?.stop();
});

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** A fresh server for one of the stack's subgraphs (its process restarted), on `port`. */
async function startSubgraphServer(name: string, port: number, wrap: (subgraph: Subgraph) => Subgraph = (subgraph) => subgraph): Promise<SubgraphServer> {
  const subgraph = wrap(graph.stack.subgraphs.find((candidate) => candidate.name === name)!);
  const server = createSubgraphServer(subgraph, { verifyCaller: createForwarding(graph.gatewayKey).verify, log });
  started.push(server);
  await server.listen(port);
  return server;
}

describe("a subgraph that is down", () => {
  it("yields everything but its fields, with SUBGRAPH_UNAVAILABLE at their path, and recovers when it returns", async () => {
    const full = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    expect(full.status).toBe(200);
    expect(full.body.errors).toBeUndefined();
    const me = full.body.data?.me as Record<string, unknown>;
    expect((me.trips as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);

    const mobility = graph.stack.servers.find((server) => server.name === "mobility")!;
    await mobility.stop();

    const startedAt = performance.now();
    const down = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    // Connection refused is immediate: nowhere near the gateway's 10 s subgraph timeout.
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(down.status).toBe(200);
    expect(down.body.data).toEqual({ me: { ...me, trips: null } });
    expect(down.body.errors).toEqual([
      { message: "The mobility service is unavailable.", path: ["me", "trips"], extensions: { code: "SUBGRAPH_UNAVAILABLE", service: "mobility", serviceName: "mobility" } },
    ]);
    // Nothing of anna's (her name, ids, trips) nor of the request is in the error.
    expect(JSON.stringify(down.body.errors)).not.toMatch(/anna|Anna|person|_entities|fetch failed|ECONN|127\.0\.0\.1/);

    // The same process starts mobility again on its port: the same gateway answers in full.
    await startSubgraphServer("mobility", portOf(graph.subgraphUrls.mobility!));
    const again = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(full.body);
  });
});

// PGlite runs inside the test process: there is no server to restart and no connection to lose.
// The suite's database URL, as getTestDatabase reads it: the test needs a connection of its own.
// eslint-disable-next-line no-restricted-properties -- a test setting, like packages/testing's
const DATABASE_URL = process.env.DATABASE_URL;
describe.skipIf(!DATABASE_URL)("a PostgreSQL restart (DATABASE_URL only: PGlite is in-process and cannot restart)", () => {
  /** Runs `statement` on a connection of the test's own, outside the stack's pool. */
  async function asAdmin<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
    const admin = await createDatabase({ url: DATABASE_URL, maxConnections: 1 });
    try {
      return await queryRows<T>(admin.db, statement);
    } finally {
      await admin.close();
    }
  }

  /** What clients see when the server restarts: every connection to the database is ended. */
  async function terminateBackends(): Promise<number> {
    const rows = await asAdmin<{ ended: boolean }>(
      sql`select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return rows.filter((row) => row.ended).length;
  }

  it("is survived: the next requests succeed without restarting any process", async () => {
    const before = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    expect(before.body.errors).toBeUndefined();
    expect(await terminateBackends()).toBeGreaterThan(0);
    // At once and side by side: each finds a dead pooled connection the driver has yet to notice.
    const after = await Promise.all([1, 2, 3].map(() => postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna)));
    after.push(await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna));
    for (const answer of after) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(before.body);
    }
  });

  it("answers only clean errors while connections keep being ended, and recovers when they stop", async () => {
    const before = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    // An outage longer than the reads' retries: every connection is ended again and again for
    // a second, while requests keep coming.
    const admin = await createDatabase({ url: DATABASE_URL, maxConnections: 1 });
    const answers: Awaited<ReturnType<typeof postGraphQL>>[] = [];
    try {
      const until = performance.now() + 1000;
      const outage = (async () => {
        while (performance.now() < until) {
          await admin.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await Promise.all(
        [1, 2, 3].map(async () => {
          while (performance.now() < until) answers.push(await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna));
        }),
      );
      await outage;
    } finally {
      await admin.close();
    }
    const errors = answers.flatMap((answer) => answer.body.errors ?? []);
    for (const answer of answers) expect(answer.status).toBe(200);
    for (const error of errors) {
      expect(["INTERNAL_SERVER_ERROR", "POLICY_EVALUATION_FAILED"]).toContain(error.extensions?.code);
      expect(error.extensions).not.toHaveProperty("stacktrace");
    }
    // No SQL, no driver message, no connection detail, no personal data.
    expect(JSON.stringify(errors)).not.toMatch(/select|from "|Failed query|params|terminat|ECONN|CONNECTION_|5432|postgres|anna|Anna/i);

    // Recovered: the same answer as before the outage, within seconds of its end. Usually the
    // very next request; under the whole suite's load a read's retries (then 375 ms in all) once
    // ran out on billing right after the outage, while the pool may pause up to 1 s before it
    // reconnects. The retries now span 1.9 s; the cause is not proven, so the test waits.
    const recovered = performance.now() + 5000;
    let after = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    while (after.body.errors && performance.now() < recovered) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    }
    expect(after.body).toEqual(before.body);
  });
});

/** Resolves with the error a new connection to `url` meets, or undefined when it connects. */
async function connectionError(url: string): Promise<string | undefined> {
  try {
    await fetch(url.replace("/graphql", "/health"));
    return undefined;
  } catch (error) {
    return String(((error as Error).cause as NodeJS.ErrnoException | undefined)?.code);
  }
}

describe("stopping a server", () => {
  it("lets the requests in flight finish and refuses new connections, for the gateway and a subgraph", async () => {
    // Mobility, held inside each request until the test lets it go.
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holding = (subgraph: Subgraph): Subgraph => {
      const held: Subgraph = Object.create(subgraph) as Subgraph;
      held.createContext = (caller) => {
        entered();
        return released.then(() => subgraph.createContext(caller)) as never;
      };
      return held;
    };
    const mobility = await startSubgraphServer("mobility", 0, holding);
    const mobilityUrl = `http://127.0.0.1:${(mobility.http.address() as { port: number }).port}/graphql`;
    const gateway = createGateway({
      supergraphSdl: loadSupergraphSdl(),
      subgraphUrls: { ...graph.subgraphUrls, mobility: mobilityUrl },
      verifyToken: createTokenVerifier({ keys: createLocalJWKSet({ keys: [graph.issuerKey.publicJwk] }), issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
      signForwardedCaller: createForwarding(graph.gatewayKey).sign,
      log,
    });
    const gatewayUrl = `http://127.0.0.1:${await gateway.listen(0)}/graphql`;

    const inFlight = postGraphQL(gatewayUrl, HOME_SCREEN, anna);
    await inside;
    let stopped = false;
    const stopping = Promise.all([gateway.stop(), mobility.stop()]).then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    expect(await connectionError(gatewayUrl)).toBe("ECONNREFUSED");
    expect(await connectionError(mobilityUrl)).toBe("ECONNREFUSED");

    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data?.me as { trips: { nodes: unknown[] } }).trips.nodes.length).toBeGreaterThan(0);
    const startedAt = performance.now();
    await stopping;
    expect(performance.now() - startedAt).toBeLessThan(1000);
  });

  it("cuts a request that does not finish within the grace period", async () => {
    const hanging = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/`;
    const request = fetch(url).then(
      () => "answered",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedAt = performance.now();
    await close(hanging, 200);
    expect(performance.now() - startedAt).toBeLessThan(1500);
    expect(await request).toBe("cut");
  });
});
