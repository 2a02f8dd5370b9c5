import type { DatabaseHandle } from "@grondslag/db";
import { createGateway, type Gateway, type GatewayEdgeOptions } from "@grondslag/gateway";
import { partnerPackages, readPartnerFields } from "@grondslag/partners";
import { policyFacts, verifyPolicyFacts } from "@grondslag/policy";
import { defaultSubgraphUrl, loadSupergraphSdl, subgraphs as subgraphList } from "@grondslag/supergraph";
import { createSubgraphServer, type Logger, type PlatformServices, type Subgraph, type SubgraphServer } from "@grondslag/server";
import { disclosureLogFacts, type PartnerPackage } from "@grondslag/integration-common";
import { createForwarding, type StackAuth } from "./createAuth.ts";
import { registerPlatformOperations } from "./registerPlatformOperations.ts";
import { createPartners, type PartnerConfig, type Partners } from "./createPartners.ts";

export interface StackOptions {
  /** One store shared by all five subgraphs, each in its own Postgres schema. */
  database: DatabaseHandle;
  auth: StackAuth;
  log: Logger;
  /** Seed the demo cast when the store is empty. Default true. */
  seedDemoData?: boolean;
  /**
   * Each partner package's configuration by partner name (SDK clients and settings); a package
   * without one answers NOT_CONFIGURED when used.
   */
  partners?: PartnerConfig;
  /** Partner packages besides the registry's (`integrations/registry`): a test fixture's. */
  extraPartnerPackages?: readonly PartnerPackage[];
  /**
   * The partner outbox's worker (retries, reconciliation): how often it runs (default 5 s) and
   * how long after an attempt that may have sent it asks the partner (default 30 s); false: it does not run.
   */
  partnerWorker?: { intervalMs?: number; reconcileAfterMs?: number } | false;
  /** The key one-time codes are HMAC'd with. */
  otpKey?: string;
  /** The gateway's limits, browsers and persisted operations. Default: development. */
  edge?: GatewayEdgeOptions;
}

export interface ListenOptions {
  /** The gateway's port; 0 picks a free one. */
  gatewayPort: number;
  /** Each subgraph's port by name; default: the development ports 4001 to 4005. 0 picks a free one. */
  subgraphPorts?: Partial<Record<string, number>>;
  host?: string;
}

export interface Stack {
  subgraphs: Subgraph[];
  /** The registered partner packages, wired: `send` is the subgraphs' `sendToPartner`. */
  partners: Partners;
  /** Each subgraph's HTTP server, by the order of `subgraphs`: fault tests stop one. */
  servers: SubgraphServer[];
  /** Starts the five subgraphs, then the gateway routed to where they listen. */
  listen(options: ListenOptions): Promise<{ gatewayUrl: string; subgraphUrls: Record<string, string> }>;
  stop(): Promise<void>;
}

/**
 * The whole graph in one process: five subgraphs and the gateway over one database.
 * `pnpm start` and the end-to-end tests both build it here; only they choose ports.
 */
export async function createStack(options: StackOptions): Promise<Stack> {
  const { database, log } = options;
  const supergraphSdl = loadSupergraphSdl();
  let gatewayUrl = "";
  const workerSettings = options.partnerWorker || {};
  const packages = [...partnerPackages, ...(options.extraPartnerPackages ?? [])];
  const partners = createPartners({
    packages,
    config: options.partners ?? {},
    database,
    supergraphSdl,
    gatewayUrl: () => gatewayUrl,
    issueToken: options.auth.issueToken,
    log,
    ...(workerSettings.reconcileAfterMs === undefined ? {} : { outbox: { reconcileAfterMs: workerSettings.reconcileAfterMs } }),
  });
  const { issueToken } = options.auth;
  const services: PlatformServices = {
    sendToPartner: partners.send,
    ...(options.otpKey ? { otpKey: options.otpKey } : {}),
    ...(issueToken ? { issueSessionToken: async (caller) => ({ token: await issueToken(caller), expiresAt: new Date(Date.now() + 3600_000) }) } : {}),
  };
  // A `partner:<name>` grant holds only on the fields the registered partners declare.
  const partnerFields = readPartnerFields(supergraphSdl, packages);
  const subgraphs = subgraphList.map(({ module }) => module.createSubgraph({ database, log, supergraphSdl, services, partnerFields }));
  for (const subgraph of subgraphs) await subgraph.migrate();
  // The partner outbox's own schema; it records disclosures through consent's published function.
  await partners.migrate();
  // Every subgraph's policy reads the facts the others publish: refuse to serve when one is missing.
  // ...and the partner outbox records its sends through the function consent publishes for it.
  await verifyPolicyFacts(database.db, { ...policyFacts, ...disclosureLogFacts });
  if (options.seedDemoData ?? true) await seedWhenEmpty(subgraphs, log);

  const forwarding = createForwarding(options.auth.gatewayKey);
  const servers: SubgraphServer[] = subgraphs.map((subgraph) =>
    createSubgraphServer(subgraph, {
      verifyCaller: forwarding.verify,
      log,
      ...(options.edge?.metricsToken !== undefined ? { metricsToken: options.edge.metricsToken } : {}),
      ...(options.edge?.shutdownGraceMs !== undefined ? { shutdownGraceMs: options.edge.shutdownGraceMs } : {}),
      ...(options.edge?.maxBatchOperations !== undefined ? { maxBatchOperations: options.edge.maxBatchOperations } : {}),
    }),
  );
  let gateway: Gateway | undefined;
  let worker: { stop(): Promise<void> } | undefined;

  return {
    subgraphs,
    partners,
    servers,
    async listen({ gatewayPort, subgraphPorts = {}, host = "127.0.0.1" }) {
      const subgraphUrls: Record<string, string> = {};
      for (const [index, server] of servers.entries()) {
        const port = subgraphPorts[server.name] ?? subgraphList[index]!.port;
        subgraphUrls[server.name] = defaultSubgraphUrl(await server.listen(port, host));
      }
      gateway = createGateway({
        ...registerPlatformOperations(options.edge ?? {}, partners.operations),
        partnerOperations: partners.capabilityOperations,
        supergraphSdl,
        subgraphUrls,
        verifyToken: options.auth.verifyToken,
        signForwardedCaller: forwarding.sign,
        log,
        routes: partners.routes,
      });
      const port = await gateway.listen(gatewayPort, host);
      gatewayUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/graphql`;
      // Reconciliation reads field sets through the gateway: the worker starts once it listens.
      if (options.partnerWorker !== false) worker = partners.startWorker(workerSettings.intervalMs === undefined ? {} : { intervalMs: workerSettings.intervalMs });
      return { gatewayUrl, subgraphUrls };
    },
    async stop() {
      await worker?.stop();
      await gateway?.stop();
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

/** Demo data goes into an empty store only: a person's erasure must survive a restart. */
async function seedWhenEmpty(subgraphs: Subgraph[], log: Logger): Promise<void> {
  const filled = await Promise.all(subgraphs.map((subgraph) => subgraph.hasData()));
  if (filled.some(Boolean)) return;
  for (const subgraph of subgraphs) await subgraph.seedDemoData();
  log.info("seeded the demo cast into an empty store");
}
