export { createGateway } from "./createGateway.ts";
export type { Gateway, GatewayContext, GatewayOptions } from "./createGateway.ts";
export type { GatewayEdgeOptions } from "./GatewayEdgeOptions.ts";
export { loadPersistedQueryManifest, sha256 } from "./createPersistedOperations.ts";
export type { PersistedQueryManifest } from "./createPersistedOperations.ts";
export type { OperationLimits } from "./screenOperation.ts";
export type { RateLimit } from "./createRateLimiter.ts";
export { loadApiSchema } from "./loadApiSchema.ts";
