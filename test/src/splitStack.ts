import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes, type JsonWebKey } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { capabilityFor, createLocalJWKSet, createTokenSigner, importKeyPair, isPartnerRole, personas, type Caller, type PersonaName, type SigningKeyPair } from "@grondslag/auth";
import { createLogger, type Subgraph } from "@grondslag/server";
import { createStackAuth, type Stack, type StackAuth } from "@grondslag/stack";
import { loadSupergraphSdl, subgraphs } from "@grondslag/supergraph";
import { getTestDatabase, resetDatabase, testDatabaseUrl, type TestDatabase } from "@grondslag/testing";

// The production shape for the end-to-end suite: the built bundles (`pnpm build`, stack/dist),
// the gateway and each subgraph as its own `node` process, on the suite's PostgreSQL database.
// Only what a test can reach over HTTP exists here: no in-process logger, partner client or
// server object (the files that need those run one-process only: see vitest.config.ts).

export const stackDir = fileURLToPath(new URL("../../stack", import.meta.url));
export const subgraphNames = subgraphs.map(({ module }) => module.name);

/** The same edge the one-process stack gives the suites: rates stay out of their way. */
const UNLIMITED = "1000000000";

export interface Running {
  name: string;
  child: ChildProcess;
  output: () => string;
}

/** `pnpm build`: bundles stack/src/mainGateway.ts and mainSubgraph.ts into stack/dist. */
export function buildStack(): void {
  const build = spawnSync(process.execPath, ["--import", "tsx", "build.ts"], { cwd: stackDir, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`pnpm build failed (${build.status}):\n${build.stdout}${build.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `node stack/<script>` with exactly `env` (nothing inherited), keeping its output for failures. */
export function runProcess(name: string, script: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [script, ...args], { cwd: stackDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { name, child, output: () => output };
}

/** Polls `/ready` until it answers 200; fails naming the process and its output when it exits or stays unready. */
export async function waitReady(readyUrl: string, running: Running, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (running.child.exitCode !== null) throw new Error(`${running.name} exited with ${running.child.exitCode}:\n${running.output()}`);
    const status = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) }).then((response) => response.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${running.name} not ready at ${readyUrl} after ${seconds} s (last ${status}):\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM, as an orchestrator stops a process; SIGKILL after 10 s. Resolves with its exit code (null when killed). */
export function stopProcess(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null || running.child.signalCode !== null) return resolve(running.child.exitCode);
    const timer = setTimeout(() => running.child.kill("SIGKILL"), 10_000);
    running.child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    running.child.kill("SIGTERM");
  });
}

/** A private P-256 JWK, exportable (the auth package's own key pairs are not), for env and key files. */
function privateJwk(): JsonWebKey {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
}

type Jwk = Parameters<typeof importKeyPair>[0];

export interface SplitStack {
  database: TestDatabase;
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  issuerKey: SigningKeyPair;
  gatewayKey: SigningKeyPair;
  platformKey: SigningKeyPair;
  /** The processes' two issuers, built from the same keys: what the gateway process verifies. */
  auth: StackAuth;
  tokenFor(persona: PersonaName | Caller): Promise<string>;
  capabilityFor(partner: PersonaName, query: string, variables: Record<string, string>, personId: string): Promise<string>;
  /** No in-process stack exists in split shape: reading this throws, naming the test as one-process only. */
  readonly stack: Stack;
  stop(): Promise<void>;
}

/**
 * The suite's stack as separate processes. The database is reset and seeded with the demo cast
 * from the test process, by the same `resetDatabase` the one-process stack uses; the processes
 * then start on it with seeding off, trusting the test issuer (its key in their DATA_DIR, where a
 * development stack keeps its issuer key, with AUTH_ISSUER and AUTH_AUDIENCE the test's) and
 * sharing one gateway signing key (GATEWAY_SIGNING_KEY, as in production).
 */
export async function startSplitStack(auth: { issuer: string; audience: string }): Promise<SplitStack> {
  const databaseUrl = testDatabaseUrl();
  if (!databaseUrl) throw new Error("The split stack needs DATABASE_URL (PostgreSQL): PGlite is one process's database.");
  const database = await getTestDatabase();
  const log = createLogger({ level: "silent" });
  const supergraphSdl = loadSupergraphSdl();
  const resetters: Subgraph[] = subgraphs.map(({ module }) => module.createSubgraph({ database, log, supergraphSdl }));
  await resetDatabase(database, resetters);

  const dataDir = mkdtempSync(join(tmpdir(), "grondslag-split-"));
  const issuerJwk = privateJwk();
  const gatewayJwk = privateJwk();
  const platformJwk = privateJwk();
  mkdirSync(join(dataDir, "keys"), { recursive: true });
  writeFileSync(join(dataDir, "keys", "dev-issuer.jwk.json"), JSON.stringify(issuerJwk), { mode: 0o600 });
  const [issuerKey, gatewayKey, platformKey] = await Promise.all([importKeyPair(issuerJwk as Jwk), importKeyPair(gatewayJwk as Jwk), importKeyPair(platformJwk as Jwk)]);
  const issue = createTokenSigner({ key: issuerKey, issuer: auth.issuer, audience: auth.audience, ttlSeconds: 300 });
  const stackAuth = createStackAuth({
    people: { keys: createLocalJWKSet({ keys: [issuerKey.publicJwk] }), issuer: auth.issuer, audience: auth.audience },
    platformKey,
    gatewayKey,
    issuePersonToken: issue,
  });

  const [gatewayPort, ...subgraphPorts] = (await Promise.all([freePort(), ...subgraphNames.map(() => freePort())])) as [number, ...number[]];
  const subgraphUrls = Object.fromEntries(subgraphNames.map((name, index) => [name, `http://127.0.0.1:${subgraphPorts[index]}/graphql`]));
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  const env: Record<string, string> = {
    NODE_ENV: "development",
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: "false",
    AUTH_ISSUER: auth.issuer,
    AUTH_AUDIENCE: auth.audience,
    OTP_KEY: randomBytes(32).toString("base64url"),
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_URL: gatewayUrl,
    LOG_LEVEL: "warn",
    RATE_LIMIT_BURST: UNLIMITED,
    RATE_LIMIT_PER_SECOND: UNLIMITED,
    REFUSAL_RATE_LIMIT_BURST: UNLIMITED,
    REFUSAL_RATE_LIMIT_PER_SECOND: UNLIMITED,
    ...Object.fromEntries(subgraphNames.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, subgraphUrls[name]!])),
  };

  // Each process gets only its role's keys, as in production: the subgraphs the gateway's public
  // half, identity also the platform's key, the gateway both private keys.
  const { d: _private, ...gatewayPublicJwk } = gatewayJwk;
  const keysOf = (name: string): Record<string, string> =>
    name === "gateway"
      ? { GATEWAY_SIGNING_KEY: JSON.stringify(gatewayJwk), PLATFORM_SIGNING_KEY: JSON.stringify(platformJwk) }
      : { GATEWAY_VERIFY_KEY: JSON.stringify(gatewayPublicJwk), ...(name === "identity" ? { PLATFORM_SIGNING_KEY: JSON.stringify(platformJwk) } : {}) };
  const running = [
    ...subgraphNames.map((name, index) => runProcess(name, "dist/subgraph.js", [name], { ...env, ...keysOf(name), SUBGRAPH_PORT: String(subgraphPorts[index]) })),
    runProcess("gateway", "dist/gateway.js", [], { ...env, ...keysOf("gateway") }),
  ];
  const readyUrl = (name: string) => (name === "gateway" ? gatewayUrl : subgraphUrls[name]!).replace(/\/graphql$/, "/ready");

  /** Every process stopped by SIGTERM must exit 0: a process that crashed or hung is a failure of the file. */
  const stop = async () => {
    const exits = await Promise.all(running.map(async (process) => ({ process, code: await stopProcess(process) })));
    rmSync(dataDir, { recursive: true, force: true });
    const unclean = exits.filter(({ code }) => code !== 0);
    if (unclean.length > 0) {
      throw new Error(`Split processes did not stop cleanly:\n${unclean.map(({ process, code }) => `${process.name} exited with ${code}:\n${process.output()}`).join("\n")}`);
    }
  };
  try {
    await Promise.all(running.map((process) => waitReady(readyUrl(process.name), process)));
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  return {
    database,
    gatewayUrl,
    subgraphUrls,
    issuerKey,
    gatewayKey,
    platformKey,
    auth: stackAuth,
    tokenFor: (persona) => {
      const caller = typeof persona === "string" ? personas[persona] : persona;
      if (isPartnerRole(caller.role)) throw new Error(`${caller.role} holds capabilities only: use capabilityFor`);
      return issue(caller);
    },
    capabilityFor: (partner, query, variables, personId) => stackAuth.issueToken({ ...personas[partner], capability: capabilityFor(query, variables, personId) }),
    get stack(): Stack {
      throw new Error("The split stack has no in-process Stack: a test that reaches into it runs one-process only (vitest.config.ts).");
    },
    stop,
  };
}
