import { loadPersistedQueryManifest, type GatewayEdgeOptions } from "@grondslag/gateway";
import type { Env } from "./env.ts";

/** The gateway's limits, browsers and persisted operations, from the environment. */
export function edgeOptions(env: Env): GatewayEdgeOptions {
  const production = env.GRONDSLAG_ENV === "production";
  return {
    production,
    ...(env.GRAPHQL_INTROSPECTION !== undefined ? { introspection: env.GRAPHQL_INTROSPECTION } : {}),
    cors: { allowedOrigins: env.CORS_ORIGINS, allowLocalhost: !production },
    persistedOperations: loadPersistedQueryManifest(env.PERSISTED_OPERATIONS),
    limits: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxRootFields: env.MAX_ROOT_FIELDS,
      maxSelections: env.MAX_SELECTIONS,
      maxCost: env.MAX_QUERY_COST,
      defaultListSize: env.DEFAULT_LIST_SIZE,
      maxTokens: env.MAX_TOKENS,
    },
    maxBodyBytes: env.MAX_BODY_BYTES,
    callerRateLimit: { burst: env.RATE_LIMIT_BURST, perSecond: env.RATE_LIMIT_PER_SECOND },
    refusalRateLimit: { burst: env.REFUSAL_RATE_LIMIT_BURST, perSecond: env.REFUSAL_RATE_LIMIT_PER_SECOND },
    subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
  };
}
