import { createDatabase, queryRows } from "@grondslag/db";
import { createSubgraphServer, createLogger, type SubgraphServer } from "@grondslag/server";
import { createForwarding } from "@grondslag/stack";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

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
async function startSubgraphServer(name: string, port: number): Promise<SubgraphServer> {
  const subgraph = graph.stack.subgraphs.find((candidate) => candidate.name === name)!;
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
    expect(performance.now() - startedAt).toBeLessThan(2000);
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
describe.skipIf(!process.env.DATABASE_URL)("a PostgreSQL restart (DATABASE_URL only: PGlite is in-process and cannot restart)", () => {
  /** What clients see when the server restarts: every connection to the database is ended. */
  async function terminateBackends(): Promise<number> {
    const admin = await createDatabase({ url: process.env.DATABASE_URL, maxConnections: 1 });
    try {
      const rows = await queryRows<{ ended: boolean }>(
        admin.db,
        sql`select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      return rows.filter((row) => row.ended).length;
    } finally {
      await admin.close();
    }
  }

  it("is survived: the next requests succeed without restarting any process", async () => {
    const before = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
    expect(before.body.errors).toBeUndefined();
    expect(await terminateBackends()).toBeGreaterThan(0);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const after = await postGraphQL(graph.gatewayUrl, HOME_SCREEN, anna);
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
    }
  });
});
