import { sha256, type GatewayEdgeOptions, type PersistedQueryManifest } from "@grondslag/gateway";
import type { Partners } from "./createPartners.ts";

/**
 * The gateway's registered operations: the frontends' manifest and the platform's own (the
 * partners' declared field sets and status records). In production only registered operations
 * run, and the platform's own callers go through the same front door as everyone else.
 */
export function registerPlatformOperations(edge: GatewayEdgeOptions, operations: Partners["operations"]): GatewayEdgeOptions {
  const manifest: PersistedQueryManifest = edge.persistedOperations ?? { format: "apollo-persisted-query-manifest", version: 1, operations: [] };
  const known = new Set(manifest.operations.map((operation) => operation.id));
  const added = operations
    .map((operation) => ({ id: sha256(operation.body), ...operation }))
    .filter((operation) => !known.has(operation.id) && (known.add(operation.id), true));
  return { ...edge, persistedOperations: { ...manifest, operations: [...manifest.operations, ...added] } };
}
