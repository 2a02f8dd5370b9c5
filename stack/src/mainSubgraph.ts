import { setTimeout as sleep } from "node:timers/promises";
import { createDatabase } from "@grondslag/db";
import { disclosureLogFacts } from "@grondslag/integration-common";
import { partnerPackages, readPartnerFields } from "@grondslag/partners";
import { policyFacts, verifyPolicyFacts } from "@grondslag/policy";
import { createLogger, createSubgraphServer, type PlatformServices, type Readiness } from "@grondslag/server";
import { loadSupergraphSdl, subgraphs } from "@grondslag/supergraph";
import { createSubgraphAuth } from "./createAuth.ts";
import { createPartners } from "./createPartners.ts";
import { loadEnv, processRoleOf } from "./env.ts";
import { loadOtpKey, loadPartnerConfig } from "./loadPartnerConfig.ts";
import { exitOnStartFailure, requireSplitSettings, stopOnSignals } from "./splitProcess.ts";

// One subgraph as its own process (`node stack/dist/subgraph.js <name>`, `pnpm start:subgraph
// <name>`): migrates its own schema, seeds it when empty (development), listens, then waits for
// the policy facts the other subgraphs publish; `/ready` is false until they exist.
const name = process.argv[2];
// A subgraph named "gateway" does not exist: start() says so, naming the subgraphs.
const role = processRoleOf(name ?? "") === "identity" ? "identity" : "subgraph";
const env = loadEnv(undefined, role);
const log = createLogger({ level: env.LOG_LEVEL });
const entry = subgraphs.find(({ module }) => module.name === name);

async function start(): Promise<void> {
  if (!entry) throw new Error(`Name the subgraph to run: one of ${subgraphs.map(({ module }) => module.name).join(", ")} (got ${name ?? "nothing"}).`);
  requireSplitSettings(env, role);
  const database = await createDatabase({ url: env.DATABASE_URL });
  // The gateway's public key, and the platform's issuer only where this process needs it.
  const auth = await createSubgraphAuth(env);
  const supergraphSdl = loadSupergraphSdl();
  // Partners (SMS and mail codes) read their field sets through the gateway, like any caller.
  const gatewayUrl = env.GATEWAY_URL ?? `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
  const partners = createPartners({
    packages: partnerPackages,
    config: loadPartnerConfig(env, partnerPackages),
    database,
    supergraphSdl,
    gatewayUrl: () => gatewayUrl,
    issueToken: auth.issueToken,
    log,
  });
  const { issueToken } = auth;
  const services: PlatformServices = {
    sendToPartner: partners.send,
    ...(role === "identity" ? { otpKey: loadOtpKey(env) } : {}),
    ...(issueToken ? { issueSessionToken: async (caller) => ({ token: await issueToken(caller), expiresAt: new Date(Date.now() + 3600_000) }) } : {}),
  };
  // A `partner:<name>` grant holds only on the fields the registered partners declare.
  const partnerFields = readPartnerFields(supergraphSdl, partnerPackages);
  const subgraph = entry.module.createSubgraph({ database, log, supergraphSdl, services, partnerFields });

  await subgraph.migrate();
  // Every process that may send migrates the outbox (serialised by the migration lock; idempotent).
  await partners.migrate();
  if ((env.SEED_DEMO_DATA ?? env.GRONDSLAG_ENV !== "production") && !(await subgraph.hasData())) {
    await subgraph.seedDemoData();
    log.info({ subgraph: subgraph.name }, "seeded the demo cast into an empty store");
  }

  let factsPresent = false;
  const ready = async (): Promise<Readiness> => {
    const database_ = await database.execute("select 1").then(
      () => "ok",
      (error: unknown) => `unreachable: ${(error as Error).message}`,
    );
    const facts = factsPresent ? "ok" : "waiting for the policy facts other subgraphs publish";
    return { ready: database_ === "ok" && factsPresent, checks: { database: database_, policyFacts: facts } };
  };
  const server = createSubgraphServer(subgraph, {
    verifyCaller: auth.verifyForwarded,
    log,
    ready,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
  });
  const port = await server.listen(env.SUBGRAPH_PORT ?? entry.port, env.HOST);
  // Every process runs the outbox's worker: FOR UPDATE SKIP LOCKED gives each send to one of them,
  // and a process where a channel is not configured leaves its sends to one where it is.
  const worker = partners.startWorker();
  stopOnSignals(log, async () => {
    await worker.stop();
    await server.stop();
    await database.close();
  });
  log.info({ subgraph: subgraph.name, port }, `subgraph ${subgraph.name} listening on ${env.HOST}:${port}`);

  // The other subgraphs' processes may still be migrating: wait for their facts, boundedly, so
  // a fact that will never come (a version mismatch) still stops this process, naming it.
  const deadline = Date.now() + env.POLICY_FACTS_WAIT_SECONDS * 1000;
  for (;;) {
    try {
      await verifyPolicyFacts(database.db, { ...policyFacts, ...disclosureLogFacts });
      factsPresent = true;
      log.info({ subgraph: subgraph.name }, "policy facts present: ready");
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        await server.stop();
        await database.close();
        throw error;
      }
      await sleep(500);
    }
  }
}

start().catch(exitOnStartFailure(log));
