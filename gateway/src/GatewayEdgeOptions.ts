import type { CorsOptions } from "./allowOrigin.ts";
import type { PersistedQueryManifest } from "./createPersistedOperations.ts";
import type { RateLimit } from "./createRateLimiter.ts";
import type { OperationLimits } from "./screenOperation.ts";

/** What the gateway accepts from the outside: its limits, its browsers, its persisted operations. */
export interface GatewayEdgeOptions {
  /** Production: only registered operations, no explorer, no introspection unless `introspection`. Default false. */
  production?: boolean;
  /** The operation limits, checked before validation and planning. Defaults in `OperationLimits`. */
  limits?: OperationLimits;
  /** Largest request body, in bytes; larger is 413 REQUEST_TOO_LARGE. Default 256 KiB. */
  maxBodyBytes?: number;
  /** Largest request head Node parses, in bytes. Default 64 KiB. */
  maxHeaderBytes?: number;
  /** Largest Authorization header, in bytes; larger is 431 HEADERS_TOO_LARGE. Default 8 KiB. */
  maxAuthorizationBytes?: number;
  /** Requests per verified caller (token subject). Default a burst of 100, then 20 a second. */
  callerRateLimit?: RateLimit;
  /** Refusals before authentication, per client IP. Default a burst of 50, then 5 a second. */
  refusalRateLimit?: RateLimit;
  /** Deadline for each request to a subgraph, in ms. Default 10,000. */
  subgraphTimeoutMs?: number;
  /**
   * The operations each partner may run with a capability, by role (`partner:twilio`): the sha256
   * of each of its declarations' text (`operationHash`). A capability binding any other operation
   * is refused (UNDECLARED_OPERATION), even one the platform's key signed. Unset (a gateway tested
   * alone): any operation a capability binds.
   */
  partnerOperations?: Readonly<Record<string, readonly string[]>>;
  /** Registered operations; in production the only ones that run. */
  persistedOperations?: PersistedQueryManifest;
  /** Introspection. Default: on in development, off in production. */
  introspection?: boolean;
  /** Browsers' origins. Default: localhost in development, none in production. */
  cors?: CorsOptions;
  /** The scraper's bearer token for `/metrics`; unset, `/metrics` is open (development only: production requires it). */
  metricsToken?: string;
  /** How long `stop` lets requests in flight finish, in ms. Default 10,000. */
  shutdownGraceMs?: number;
  /**
   * Most fetches one batch to a subgraph holds, and most a subgraph accepts (the stack gives both
   * the same). Default 128 (`MAX_BATCH_OPERATIONS`), far above what the default limits let one
   * request fetch; only a benchmark that lifts the limits needs more.
   */
  maxBatchOperations?: number;
}
