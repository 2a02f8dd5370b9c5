import type { Logger } from "@grondslag/server";
import { defaultSubgraphUrl, subgraphs, type SubgraphName } from "@grondslag/supergraph";
import type { Env, ProcessRole } from "./env.ts";

/**
 * What a split process needs beyond `pnpm start`, even in development (each process would
 * otherwise make keys of its own): the subgraphs share one PostgreSQL database (PGlite is one
 * process's) and the gateway's key to verify with (its public half, GATEWAY_VERIFY_KEY, or in
 * development GATEWAY_SIGNING_KEY); the gateway signs with GATEWAY_SIGNING_KEY; the gateway and
 * identity share PLATFORM_SIGNING_KEY.
 */
export function requireSplitSettings(env: Env, role: Exclude<ProcessRole, "one-process">): void {
  const missing = [
    ...(role !== "gateway" && !env.DATABASE_URL ? ["DATABASE_URL"] : []),
    ...(role === "gateway" && !env.GATEWAY_SIGNING_KEY ? ["GATEWAY_SIGNING_KEY"] : []),
    ...(role !== "gateway" && !env.GATEWAY_VERIFY_KEY && !env.GATEWAY_SIGNING_KEY ? ["GATEWAY_VERIFY_KEY"] : []),
    ...(role !== "subgraph" && !env.PLATFORM_SIGNING_KEY ? ["PLATFORM_SIGNING_KEY"] : []),
  ];
  if (missing.length > 0) {
    throw new Error(
      `A split ${role} process refuses to start without ${missing.join(" and ")}: the subgraphs share one PostgreSQL database ` +
        "(PGlite is one process's), the gateway signs with one private JWK and the subgraphs verify with its public half, and the " +
        "gateway and identity share the platform's signing key (see docs/deploy.md).",
    );
  }
}

/** The gateway's subgraph URLs: SUBGRAPH_URL_<NAME>, or the development URL of each. */
export function subgraphUrlsFromEnv(env: Env): Record<SubgraphName, string> {
  const fromEnv: Record<SubgraphName, string | undefined> = {
    identity: env.SUBGRAPH_URL_IDENTITY,
    therapy: env.SUBGRAPH_URL_THERAPY,
    mobility: env.SUBGRAPH_URL_MOBILITY,
    billing: env.SUBGRAPH_URL_BILLING,
    consent: env.SUBGRAPH_URL_CONSENT,
  };
  return Object.fromEntries(subgraphs.map(({ module, port }) => [module.name, fromEnv[module.name] ?? defaultSubgraphUrl(port)])) as Record<SubgraphName, string>;
}

/** Stops once on SIGTERM (Kubernetes, Compose) or SIGINT (Ctrl-C), then exits. */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "stopping failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

/** Logs why a process could not start and exits non-zero, so a supervisor restarts it. */
export function exitOnStartFailure(log: Logger) {
  return (error: unknown) => {
    log.fatal({ err: error }, `not started: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  };
}
