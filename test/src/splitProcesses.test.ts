import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenSigner, loadOrCreateKeyPair, personas, type TokenSigner } from "@grondslag/auth";
import { createDatabase, type DatabaseHandle } from "@grondslag/db";
import { testDatabaseUrl } from "@grondslag/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { buildStack, freePort, runProcess, stopProcess, subgraphNames as names, waitReady, type Running } from "./splitStack.ts";

// The production shape from a cold start: `pnpm build`, then the gateway and each subgraph as
// its own `node` process, on an empty PostgreSQL database they migrate and seed themselves.
// PGlite is one process's database, so without DATABASE_URL this cannot run (CI runs the suite
// on PostgreSQL too). The test makes its own database on that server: the suite's shared one is
// reset by other files. The end-to-end suite's own split run (the vitest project "split", see
// vitest.config.ts) starts the same processes on the suite's database, reset and seeded first.
const serverUrl = testDatabaseUrl();

let admin: DatabaseHandle;
let databaseName: string;
let dataDir: string;
let gatewayUrl: string;
const subgraphUrls: Record<string, string> = {};
const running: Running[] = [];
let tokenFor: TokenSigner;

describe.skipIf(!serverUrl)("the split processes (built, one per subgraph and the gateway, on PostgreSQL; skipped without DATABASE_URL, as is the end-to-end suite's split run: PGlite cannot be shared across processes)", () => {
  beforeAll(async () => {
    buildStack();

    admin = await createDatabase({ url: serverUrl, maxConnections: 1 });
    databaseName = `grondslag_split_${randomBytes(6).toString("hex")}`;
    await admin.execute(`create database ${databaseName}`);
    const databaseUrl = new URL(serverUrl!);
    databaseUrl.pathname = `/${databaseName}`;

    // Development mode, so the demo cast is seeded and the gateway trusts the development
    // issuer's key in DATA_DIR; the gateway signing key is one shared secret, as in production.
    dataDir = mkdtempSync(join(tmpdir(), "grondslag-split-"));
    const issuerKey = await loadOrCreateKeyPair(join(dataDir, "keys", "dev-issuer.jwk.json"));
    tokenFor = createTokenSigner({ key: issuerKey, issuer: "grondslag-dev", audience: "grondslag" });
    const ports = await Promise.all([freePort(), ...names.map(() => freePort())]);
    const [gatewayPort, ...subgraphPorts] = ports as [number, ...number[]];
    for (const [index, name] of names.entries()) subgraphUrls[name] = `http://127.0.0.1:${subgraphPorts[index]}/graphql`;
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;

    const env: Record<string, string> = {
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl.toString(),
      DATA_DIR: dataDir,
      GATEWAY_SIGNING_KEY: JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" })),
      PLATFORM_SIGNING_KEY: JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" })),
      OTP_KEY: randomBytes(32).toString("base64url"),
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_URL: gatewayUrl,
      LOG_LEVEL: "warn",
      RATE_LIMIT_BURST: "100000",
      REFUSAL_RATE_LIMIT_BURST: "100000",
      ...Object.fromEntries(names.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, subgraphUrls[name]!])),
    };
    // All five at once, as an orchestrator starts them: they migrate under one lock, and each
    // waits (not ready) until the policy facts the others publish exist.
    for (const [index, name] of names.entries()) running.push(runProcess(name, "dist/subgraph.js", [name], { ...env, SUBGRAPH_PORT: String(subgraphPorts[index]) }));
    running.push(runProcess("gateway", "dist/gateway.js", [], env));
    await Promise.all(running.map((process) => waitReady((process.name === "gateway" ? gatewayUrl : subgraphUrls[process.name]!).replace(/\/graphql$/, "/ready"), process)));
  }, 120_000);

  afterAll(async () => {
    const exits = await Promise.all(running.map(stopProcess));
    if (admin) {
      await admin.execute(`drop database if exists ${databaseName} with (force)`);
      await admin.close();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    expect(exits, "every process exits 0 on SIGTERM").toEqual(running.map(() => 0));
  }, 30_000);

  it("each process is live and ready, the gateway naming each subgraph it checked", async () => {
    for (const url of [gatewayUrl, ...Object.values(subgraphUrls)]) {
      expect((await fetch(url.replace(/\/graphql$/, "/health"))).status).toBe(200);
    }
    const ready = (await (await fetch(gatewayUrl.replace(/\/graphql$/, "/ready"))).json()) as { checks: Record<string, string> };
    expect(ready.checks).toEqual({ supergraph: "ok", ...Object.fromEntries(names.map((name) => [name, "ok"])) });
  });

  it("answers anna's query from all five subgraphs through the gateway", async () => {
    const { status, body } = await postGraphQL(
      gatewayUrl,
      `{ me { givenName carePrograms { title } trips(first: 2) { nodes { purpose } } invoices(first: 1) { nodes { number } } consents { purpose { id } state } } }`,
      await tokenFor(personas.anna),
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me).toMatchObject({
      givenName: "Anna",
      carePrograms: expect.arrayContaining([{ title: "Knierevalidatie na meniscusoperatie" }]),
      trips: { nodes: [expect.any(Object), expect.any(Object)] },
      invoices: { nodes: [{ number: expect.any(String) }] },
      consents: expect.arrayContaining([{ purpose: { id: "health-data" }, state: "GIVEN" }]),
    });
  });

  it("denies a field across processes: tom reads none of bram's care programs, bram having withdrawn consent", async () => {
    const { body } = await postGraphQL(gatewayUrl, `{ person(id: "bram") { givenName carePrograms { title } } }`, await tokenFor(personas.tom));
    expect(body.data).toEqual({ person: { givenName: "Bram", carePrograms: null } });
    expect(body.errors).toEqual([expect.objectContaining({ path: ["person", "carePrograms"], extensions: expect.objectContaining({ code: "UNAUTHORIZED_FIELD_OR_TYPE" }) })]);
  });

  it("a subgraph called directly refuses a request without the gateway's token, and a caller's own token", async () => {
    const query = `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { __typename } }`;
    for (const token of [undefined, await tokenFor(personas.anna)]) {
      const { status, body } = await postGraphQL(subgraphUrls.identity!, query, token);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });
});
