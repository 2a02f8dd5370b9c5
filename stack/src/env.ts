import { fileURLToPath } from "node:url";
import { z } from "zod";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  /** PostgreSQL URL. Unset: embedded PGlite, kept in DATA_DIR/pglite. */
  DATABASE_URL: z.string().url().optional(),
  /** Where PGlite's data and the development keys live. Default: `.data` in the repository. */
  DATA_DIR: z.string().default(`${repositoryRoot}.data`),
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
  GATEWAY_SIGNING_KEY: z.string().optional(),
  /** The key one-time codes are HMAC'd with. Unset: created in DATA_DIR/keys on first start. */
  OTP_KEY: z.string().min(32).optional(),
  /** Where Twilio reaches this platform; its status callback is PUBLIC_URL/webhooks/twilio/status. */
  PUBLIC_URL: z.string().url().optional(),
  /** Twilio (SMS codes). All three, or none: without them, SMS codes answer NOT_CONFIGURED. */
  TWILIO_ACCOUNT_SID: z.string().startsWith("AC").optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().startsWith("MG").optional(),
  /** SendGrid (mail codes). Both, or none. */
  SENDGRID_API_KEY: z.string().startsWith("SG.").optional(),
  SENDGRID_FROM: z.string().email().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

/** The one place configuration is read; everything else receives it as arguments. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
