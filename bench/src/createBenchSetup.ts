import { createKeyPair, createLocalJWKSet, createTokenSigner, createTokenVerifier } from "@grondslag/auth";
import type { DatabaseHandle } from "@grondslag/db";
import { createLogger } from "@grondslag/server";
import type { StackBuild } from "./buildStacks.ts";

/**
 * The benchmark's database (PostgreSQL at `url`, else PGlite in memory) and what both copies of
 * the graph are started with: keys, a silent log, the edge's limits lifted. Shared by the
 * benchmark and its diagnostics (`profile`, `mixed`). The database is the benchmark's own: its
 * subgraphs' schemas are dropped first, as the test suite does. It is opened by the enforced
 * copy's `createDatabase` (./buildStacks.ts), whose policy runs statements through it.
 */
export async function createBenchSetup(createDatabase: StackBuild["createDatabase"], url: string | undefined, onQuery?: () => void) {
  const database: DatabaseHandle = await createDatabase({ url, maxConnections: 10, onQuery });
  if (database.kind === "postgres") {
    await database.execute(["identity", "therapy", "mobility", "billing", "consent", "partner_outbox", "drizzle"].map((name) => `DROP SCHEMA IF EXISTS "${name}" CASCADE;`).join("\n"));
  }
  const [issuerKey, gatewayKey] = await Promise.all([createKeyPair(), createKeyPair()]);
  const issuer = { issuer: "grondslag-bench", audience: "grondslag" };
  const verifyToken = createTokenVerifier({ keys: createLocalJWKSet({ keys: [issuerKey.publicJwk] }), ...issuer });
  const issueToken = createTokenSigner({ key: issuerKey, ...issuer, ttlSeconds: 24 * 3600 });
  const unlimited = { burst: 1e9, perSecond: 1e9 };
  // The benchmark asks for up to 500 patients in one operation: far past the production limits.
  const edge = {
    callerRateLimit: unlimited,
    // A loaded 2-core box answers 500 patients slowly; the default 10 s deadline would fail the run, not measure it.
    subgraphTimeoutMs: 120_000,
    refusalRateLimit: unlimited,
    maxBodyBytes: 8 * 2 ** 20,
    limits: { maxTokens: 1e6, maxRootFields: 1e4, maxSelections: 1e6, maxAliases: 1e4, maxCost: 1e9 },
    // 500 aliases are 500 fetches to a subgraph: one batch, as 5 and 50 are (the default splits at 128).
    maxBatchOperations: 1e4,
  };
  // No partner worker: the benchmark sends nothing to partners, and the worker's polling would be
  // counted among the requests' statements (the counter is the database handle's, process-wide).
  const stackOptions = { database, auth: { verifyToken, gatewayKey, issueToken }, log: createLogger({ level: "silent" }), edge, partnerWorker: false as const };
  return { database, gatewayKey, issueToken, stackOptions };
}
