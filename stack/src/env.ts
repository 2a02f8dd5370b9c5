import { fileURLToPath } from "node:url";
import type { PartnerPackage } from "@grondslag/integration-common";
import { partnerPackages } from "@grondslag/partners";
import { z } from "zod";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().int().positive();
const rate = z.coerce.number().positive();
const flag = z.enum(["true", "false"]).transform((value) => value === "true");
const privateJwk = z.string().refine((value) => {
  try {
    const jwk = JSON.parse(value) as { kty?: unknown; d?: unknown };
    return typeof jwk.kty === "string" && typeof jwk.d === "string";
  } catch {
    return false;
  }
}, "must be a private JWK as JSON (with kty and d)");

const publicJwk = z.string().refine((value) => {
  try {
    const jwk = JSON.parse(value) as { kty?: unknown; d?: unknown };
    return typeof jwk.kty === "string" && jwk.d === undefined;
  } catch {
    return false;
  }
}, "must be a public JWK as JSON (with kty, without d)");

/** Where PGlite's data and the development keys live when DATA_DIR is not set. */
export const DEFAULT_DATA_DIR = `${repositoryRoot}.data`;

const envSchema = z.object({
  /** PostgreSQL URL. Unset: embedded PGlite, kept in DATA_DIR/pglite. */
  DATABASE_URL: z.string().url().optional(),
  /** Where PGlite's data and the development keys live. Default: `.data` in the repository. */
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  /** The gateway's port. Default 4000; the subgraphs take 4001 to 4005. */
  GATEWAY_PORT: port.default(4000),
  /** The first subgraph's port; the five take it and the four after it. 0: free ports (tests). */
  SUBGRAPH_PORT_BASE: port.default(4001),
  /** The address servers bind to. Default 127.0.0.1: nothing is exposed beyond this machine. */
  HOST: z.string().default("127.0.0.1"),
  /** Production: the identity provider's key set. Unset: a local development key pair. */
  AUTH_JWKS_URL: z.string().url().optional(),
  /** The `iss` callers' tokens must carry. */
  AUTH_ISSUER: z.string().default("grondslag-dev"),
  /** The `aud` callers' tokens must carry. */
  AUTH_AUDIENCE: z.string().default("grondslag"),
  /** Production: the gateway's private signing key (a JWK, JSON). Unset: created in DATA_DIR/keys. */
  GATEWAY_SIGNING_KEY: privateJwk.optional(),
  /**
   * A subgraph process: the gateway's public key (its JWK without `d`) it verifies forwarded
   * callers with. Production subgraphs get this, never GATEWAY_SIGNING_KEY. Unset in
   * development: the public half of GATEWAY_SIGNING_KEY or of the development key file.
   */
  GATEWAY_VERIFY_KEY: publicJwk.optional(),
  /**
   * Production: the platform's own private signing key (a JWK, JSON), apart from the people's
   * identity provider: it signs the platform's `service` jobs, partner capabilities and
   * second-factor sessions, and the gateway accepts `service` and `partner:*` from it alone.
   * Every gateway and identity replica shares it. Unset: created in DATA_DIR/keys.
   */
  PLATFORM_SIGNING_KEY: privateJwk.optional(),
  /** The key one-time codes are HMAC'd with. Unset: created in DATA_DIR/keys on first start. */
  OTP_KEY: z.string().min(32).optional(),
  /** Where partners reach this platform (their webhooks, e.g. PUBLIC_URL/webhooks/twilio/status). */
  PUBLIC_URL: z.string().url().optional(),
  // Each partner package declares and validates its own variables (`PartnerPackage.envNames`,
  // `configFromEnv`): `loadPartnerEnv` below reads them, so adding a partner never edits this file.
  /**
   * production: only operations in PERSISTED_OPERATIONS run, no explorer, no introspection, CORS
   * only for CORS_ORIGINS. development (default): anything runs, GraphiQL at GET /graphql.
   */
  GRONDSLAG_ENV: z.enum(["development", "production"]).optional(),
  /** Read only to default GRONDSLAG_ENV: NODE_ENV=production alone means production. */
  NODE_ENV: z.string().optional(),
  /** Introspection; default on in development, off in production. */
  GRAPHQL_INTROSPECTION: flag.optional(),
  /** Comma-separated origins browsers may call from (`https://app.example.nl`); localhost is allowed in development. */
  CORS_ORIGINS: z.string().default("").transform((list) => list.split(",").map((origin) => origin.trim()).filter(Boolean)),
  /** The registered operations (Apollo's persisted query manifest). Default: gateway/persisted-operations.json. */
  PERSISTED_OPERATIONS: z.string().default(`${repositoryRoot}gateway/persisted-operations.json`),
  /** Operation limits, checked at the gateway before planning (gateway/src/screenOperation.ts). */
  MAX_QUERY_DEPTH: positive.default(10),
  MAX_ALIASES: positive.default(30),
  MAX_ROOT_FIELDS: positive.default(20),
  /** Fields selected with every fragment spread expanded. */
  MAX_SELECTIONS: positive.default(2000),
  /** Estimated cost: list fields multiply by `first`, or by DEFAULT_LIST_SIZE. */
  MAX_QUERY_COST: positive.default(50_000),
  DEFAULT_LIST_SIZE: positive.default(20),
  MAX_TOKENS: positive.default(10_000),
  /** Largest request body in bytes (413 above it). */
  MAX_BODY_BYTES: positive.default(256 * 1024),
  /** Per verified caller: a burst, then a steady rate per second (429 with Retry-After). Per gateway replica. */
  RATE_LIMIT_BURST: positive.default(100),
  RATE_LIMIT_PER_SECOND: rate.default(20),
  /** Refusals before authentication (bad tokens, over-limit operations), per client IP. */
  REFUSAL_RATE_LIMIT_BURST: positive.default(50),
  REFUSAL_RATE_LIMIT_PER_SECOND: rate.default(5),
  /** Deadline of each request from the gateway to a subgraph, in ms. */
  SUBGRAPH_TIMEOUT_MS: positive.default(10_000),
  /** On SIGTERM, how long requests in flight may finish before their connections are cut, in ms. Keep it under the orchestrator's grace period. */
  SHUTDOWN_GRACE_MS: positive.default(10_000),
  /** The bearer token Prometheus scrapes `/metrics` with (32+ characters). Required in production; unset in development, `/metrics` is open. */
  METRICS_TOKEN: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  // Split processes (stack/src/mainGateway.ts, stack/src/mainSubgraph.ts): one per subgraph and the gateway.
  /** A subgraph process's port. Default: its development port (identity 4001 to consent 4005). */
  SUBGRAPH_PORT: port.optional(),
  /** Where the gateway process reaches each subgraph. Default: its development URL on 127.0.0.1. */
  SUBGRAPH_URL_IDENTITY: z.string().url().optional(),
  SUBGRAPH_URL_THERAPY: z.string().url().optional(),
  SUBGRAPH_URL_MOBILITY: z.string().url().optional(),
  SUBGRAPH_URL_BILLING: z.string().url().optional(),
  SUBGRAPH_URL_CONSENT: z.string().url().optional(),
  /** Where a subgraph process reaches the gateway (partners send through it). Default: http://127.0.0.1:GATEWAY_PORT/graphql. */
  GATEWAY_URL: z.string().url().optional(),
  /** Seed the demo cast into an empty store. Default: true in development, false in production. */
  SEED_DEMO_DATA: flag.optional(),
  /**
   * How long a subgraph process waits at start for the policy facts other subgraphs publish
   * (their processes may still be migrating), with `/ready` false meanwhile; then it exits.
   */
  POLICY_FACTS_WAIT_SECONDS: positive.default(120),
});

/** Every variable the deployables read, the registered partner packages' included: the deployment manifests may name only these. */
export const envNames: string[] = [...Object.keys(envSchema.shape), ...partnerPackages.flatMap((partnerPackage) => partnerPackage.envNames)];

/**
 * The variables the partner packages declare, as set (an empty value is unset); each package
 * validates its own in `configFromEnv`.
 */
export function loadPartnerEnv(packages: readonly PartnerPackage[], source: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const names = packages.flatMap((partnerPackage) => partnerPackage.envNames);
  return Object.fromEntries(names.map((name) => [name, source[name] === "" ? undefined : source[name]]));
}

/**
 * Which process reads the environment: the whole graph in one (`pnpm start`), the gateway, the
 * identity subgraph (it signs sessions and sends codes to partners), or another subgraph.
 */
export type ProcessRole = "one-process" | "gateway" | "identity" | "subgraph";

/** The role of a split process, by the entry it runs. */
export function processRoleOf(entry: string): Exclude<ProcessRole, "one-process"> {
  return entry === "gateway" ? "gateway" : entry === "identity" ? "identity" : "subgraph";
}

/**
 * Production refuses to start without these, by role, and gives each process only the secrets
 * its work needs: replicas of the gateway share its signing key, and the subgraphs verify with
 * its public half (GATEWAY_VERIFY_KEY) only; the platform's key (service jobs, partner
 * capabilities, second-factor sessions) goes to the gateway, which verifies them and records
 * partners' webhooks, and to identity, which signs them; people's tokens come from the identity
 * provider, checked at the gateway; one-time codes are HMAC'd with one key identity's replicas
 * share; `/metrics` answers the scraper alone. No development key file is ever created.
 */
export const productionRequirements = {
  "one-process": ["GATEWAY_SIGNING_KEY", "PLATFORM_SIGNING_KEY", "AUTH_JWKS_URL", "AUTH_ISSUER", "AUTH_AUDIENCE", "OTP_KEY", "METRICS_TOKEN"],
  gateway: ["GATEWAY_SIGNING_KEY", "PLATFORM_SIGNING_KEY", "AUTH_JWKS_URL", "AUTH_ISSUER", "AUTH_AUDIENCE", "METRICS_TOKEN"],
  identity: ["DATABASE_URL", "GATEWAY_VERIFY_KEY", "PLATFORM_SIGNING_KEY", "OTP_KEY", "METRICS_TOKEN"],
  subgraph: ["DATABASE_URL", "GATEWAY_VERIFY_KEY", "METRICS_TOKEN"],
} as const satisfies Record<ProcessRole, readonly string[]>;

/** Secrets a role must not be given in production: a subgraph holding the gateway's private key could forge any caller. */
export const forbiddenInProduction = {
  "one-process": [],
  gateway: [],
  identity: ["GATEWAY_SIGNING_KEY"],
  subgraph: ["GATEWAY_SIGNING_KEY", "PLATFORM_SIGNING_KEY", "OTP_KEY"],
} as const satisfies Record<ProcessRole, readonly string[]>;

/** The whole graph in one process needs every secret. */
export const requiredInProduction = productionRequirements["one-process"];

export type Env = Omit<z.infer<typeof envSchema>, "GRONDSLAG_ENV"> & { GRONDSLAG_ENV: "development" | "production" };

/** The one place configuration is read; everything else receives it as arguments. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env, role: ProcessRole = "one-process"): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  const environment = parsed.data.GRONDSLAG_ENV ?? (parsed.data.NODE_ENV === "production" ? "production" : "development");
  if (environment === "production") {
    const missing = productionRequirements[role].filter((name) => cleaned[name] === undefined);
    if (missing.length > 0) {
      throw new Error(
        `Production (GRONDSLAG_ENV or NODE_ENV is production) refuses to start the ${role} process without ${missing.join(", ")}: ` +
          "set GATEWAY_SIGNING_KEY (gateway) to the private JWK every gateway replica shares and GATEWAY_VERIFY_KEY (subgraphs) to its public half, " +
          "PLATFORM_SIGNING_KEY (gateway, identity) to the private JWK the platform signs its own callers with (another key than the gateway's), " +
          "AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE (gateway) to your identity provider's, OTP_KEY (identity; 32+ characters) to the key " +
          "every identity replica shares, METRICS_TOKEN (32+ characters) to the bearer token your Prometheus scrapes /metrics with, and " +
          "DATABASE_URL (subgraphs) to PostgreSQL (see docs/deploy.md).",
      );
    }
    const excess = forbiddenInProduction[role].filter((name) => cleaned[name] !== undefined);
    if (excess.length > 0) {
      throw new Error(
        `Production refuses to start the ${role} process holding ${excess.join(", ")}: a process gets only the secrets its work needs ` +
          "(a subgraph verifies forwarded callers with GATEWAY_VERIFY_KEY; see docs/deploy.md).",
      );
    }
  }
  return { ...parsed.data, GRONDSLAG_ENV: environment };
}
