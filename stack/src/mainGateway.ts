import { createGateway } from "@grondslag/gateway";
import { partnerPackages } from "@grondslag/partners";
import { createLogger, type Readiness } from "@grondslag/server";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import { createAuth, createForwarding } from "./createAuth.ts";
import { createPartners } from "./createPartners.ts";
import { edgeOptions } from "./edgeOptions.ts";
import { registerPlatformOperations } from "./registerPlatformOperations.ts";
import { loadEnv } from "./env.ts";
import { loadPartnerConfig } from "./loadPartnerConfig.ts";
import { exitOnStartFailure, requireSplitSettings, stopOnSignals, subgraphUrlsFromEnv } from "./splitProcess.ts";

// The gateway as its own process (`node stack/dist/gateway.js`, `pnpm start:gateway`): the
// committed supergraph, the subgraphs at SUBGRAPH_URL_<NAME>. It holds no data: replicas are
// interchangeable behind a load balancer.
const env = loadEnv(undefined, "gateway");
const log = createLogger({ level: env.LOG_LEVEL });

async function start(): Promise<void> {
  requireSplitSettings(env, "gateway");
  const auth = await createAuth(env);
  const supergraphSdl = loadSupergraphSdl();
  const subgraphUrls = subgraphUrlsFromEnv(env);
  let gatewayUrl = "";
  // The gateway's process only mounts the partners' webhooks; sends happen in the subgraphs' processes.
  const partners = createPartners({
    packages: partnerPackages,
    config: loadPartnerConfig(env, partnerPackages),
    supergraphSdl,
    gatewayUrl: () => gatewayUrl,
    issueToken: auth.issueToken,
    log,
  });

  let supergraphLoaded = false;
  const ready = async (): Promise<Readiness> => {
    const answers = await Promise.all(
      Object.entries(subgraphUrls).map(async ([name, url]) => {
        try {
          const response = await fetch(url.replace(/\/graphql$/, "/health"), { signal: AbortSignal.timeout(2000) });
          return [name, response.ok ? "ok" : `answered ${response.status}`] as const;
        } catch (error) {
          return [name, `unreachable: ${(error as Error).message}`] as const;
        }
      }),
    );
    const checks: Record<string, string> = { supergraph: supergraphLoaded ? "ok" : "not loaded", ...Object.fromEntries(answers) };
    return { ready: Object.values(checks).every((check) => check === "ok"), checks };
  };

  const gateway = createGateway({
    ...registerPlatformOperations(edgeOptions(env), partners.operations),
    partnerOperations: partners.capabilityOperations,
    supergraphSdl,
    subgraphUrls,
    verifyToken: auth.verifyToken,
    signForwardedCaller: createForwarding(auth.gatewayKey).sign,
    log,
    routes: partners.routes,
    ready,
  });
  const port = await gateway.listen(env.GATEWAY_PORT, env.HOST);
  // Listening means Apollo started, and starting it loaded the supergraph (it throws otherwise).
  supergraphLoaded = true;
  gatewayUrl = `http://${env.HOST === "0.0.0.0" ? "127.0.0.1" : env.HOST}:${port}/graphql`;
  stopOnSignals(log, () => gateway.stop());
  log.info({ port, subgraphUrls }, `gateway listening on ${env.HOST}:${port}`);
}

start().catch(exitOnStartFailure(log));
