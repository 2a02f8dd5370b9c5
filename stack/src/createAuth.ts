import { join } from "node:path";
import {
  createCallerVerifier,
  createLocalJWKSet,
  createPlatformTokenSigner,
  createRemoteJWKSet,
  createTokenSigner,
  createTokenVerifier,
  importKeyPair,
  importVerifyKey,
  loadOrCreateKeyPair,
  type CryptoKeyOrKeySet,
  type SigningKeyPair,
  type TokenSigner,
  type TokenVerifier,
} from "@grondslag/auth";
import type { Env } from "./env.ts";

/** The gateway signs the caller it forwards with these; only the subgraphs accept them. */
export const FORWARDED_ISSUER = "grondslag-gateway";
export const FORWARDED_AUDIENCE = "grondslag-subgraph";
/** Forwarded tokens live for one request; a minute covers a slow one and limits replay. */
export const FORWARDED_TTL_SECONDS = 60;

/**
 * The platform's own issuer, apart from the people's (AUTH_ISSUER): it alone may name `service`
 * and `partner:*` callers, and it signs second-factor sessions. Its audience is the gateway.
 */
export const PLATFORM_ISSUER = "grondslag-platform";
export const PLATFORM_AUDIENCE = "grondslag-gateway";

export interface StackAuth {
  /** Verifies callers' tokens at the gateway: the people's issuer for people, the platform's for its own callers. */
  verifyToken: TokenVerifier;
  /** The gateway's key for the caller it forwards. */
  gatewayKey: SigningKeyPair;
  /**
   * The platform's own issuer: the partner runner's capabilities and `service` callers, and the
   * session after a second-factor login. Present in every set-up, with AUTH_JWKS_URL too.
   */
  issueToken: TokenSigner;
  /** Development only: the local people's issuer behind `pnpm token`; absent with AUTH_JWKS_URL. */
  issuePersonToken?: TokenSigner;
}

export function devIssuerKeyFile(env: Env): string {
  return join(env.DATA_DIR, "keys", "dev-issuer.jwk.json");
}

export interface StackAuthParts {
  /** The people's identity provider: its keys (a JWKS), issuer and audience. */
  people: { keys: CryptoKeyOrKeySet; issuer: string; audience: string };
  platformKey: SigningKeyPair;
  gatewayKey: SigningKeyPair;
  issuePersonToken?: TokenSigner;
}

/** Puts the two issuers together; `createAuth` reads them from the environment, tests build their own. */
export function createStackAuth(parts: StackAuthParts): StackAuth {
  return {
    gatewayKey: parts.gatewayKey,
    verifyToken: createCallerVerifier({
      people: parts.people,
      platform: { keys: parts.platformKey.publicKey, issuer: PLATFORM_ISSUER, audience: PLATFORM_AUDIENCE },
    }),
    issueToken: createPlatformTokenSigner({ key: parts.platformKey, issuer: PLATFORM_ISSUER, audience: PLATFORM_AUDIENCE }),
    ...(parts.issuePersonToken ? { issuePersonToken: parts.issuePersonToken } : {}),
  };
}

/**
 * Production reads the identity provider's JWKS URL and the shared platform and gateway keys;
 * development creates a local people's issuer key, a platform key and a gateway key on first
 * use in DATA_DIR, so `pnpm token anna` and the running gateway agree.
 */
export async function createAuth(env: Env): Promise<StackAuth> {
  const [gatewayKey, platformKey] = await Promise.all([
    env.GATEWAY_SIGNING_KEY ? importKeyPair(JSON.parse(env.GATEWAY_SIGNING_KEY)) : loadOrCreateKeyPair(join(env.DATA_DIR, "keys", "gateway.jwk.json")),
    env.PLATFORM_SIGNING_KEY ? importKeyPair(JSON.parse(env.PLATFORM_SIGNING_KEY)) : loadOrCreateKeyPair(join(env.DATA_DIR, "keys", "platform.jwk.json")),
  ]);
  refuseSameKey(gatewayKey.publicJwk, platformKey.publicJwk);
  const audience = env.AUTH_AUDIENCE;
  if (env.AUTH_JWKS_URL) {
    return createStackAuth({ people: { keys: createRemoteJWKSet(new URL(env.AUTH_JWKS_URL)), issuer: env.AUTH_ISSUER, audience }, platformKey, gatewayKey });
  }
  const issuerKey = await loadOrCreateKeyPair(devIssuerKeyFile(env));
  return createStackAuth({
    people: { keys: createLocalJWKSet({ keys: [issuerKey.publicJwk] }), issuer: env.AUTH_ISSUER, audience },
    platformKey,
    gatewayKey,
    issuePersonToken: createTokenSigner({ key: issuerKey, issuer: env.AUTH_ISSUER, audience }),
  });
}

/**
 * What a subgraph process holds, and no more: the gateway's public key to verify the callers it
 * forwards (never the gateway's private key: a subgraph that held it could forge any caller for
 * every other subgraph), and the platform's issuer only where the process sends to partners or
 * signs second-factor sessions (identity), given PLATFORM_SIGNING_KEY.
 */
export interface SubgraphAuth {
  verifyForwarded: TokenVerifier;
  issueToken?: TokenSigner;
}

/**
 * GATEWAY_VERIFY_KEY (the public JWK) in production; in development the public half of
 * GATEWAY_SIGNING_KEY or of the development key file. The platform's issuer from
 * PLATFORM_SIGNING_KEY, or in development the key file; in production without it, none.
 */
export async function createSubgraphAuth(env: Env): Promise<SubgraphAuth> {
  const development = env.GRONDSLAG_ENV !== "production";
  const gatewayKey = env.GATEWAY_VERIFY_KEY
    ? await importVerifyKey(JSON.parse(env.GATEWAY_VERIFY_KEY))
    : env.GATEWAY_SIGNING_KEY
      ? await importKeyPair(JSON.parse(env.GATEWAY_SIGNING_KEY))
      : await loadOrCreateKeyPair(join(env.DATA_DIR, "keys", "gateway.jwk.json"));
  const platformKey = env.PLATFORM_SIGNING_KEY
    ? await importKeyPair(JSON.parse(env.PLATFORM_SIGNING_KEY))
    : development
      ? await loadOrCreateKeyPair(join(env.DATA_DIR, "keys", "platform.jwk.json"))
      : undefined;
  // identity holds the platform's private key: were it the gateway's, identity could forge any forwarded caller.
  if (platformKey) refuseSameKey(gatewayKey.publicJwk, platformKey.publicJwk);
  return {
    verifyForwarded: createTokenVerifier({ keys: gatewayKey.publicKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE }),
    ...(platformKey ? { issueToken: createPlatformTokenSigner({ key: platformKey, issuer: PLATFORM_ISSUER, audience: PLATFORM_AUDIENCE }) } : {}),
  };
}

/** By the key itself (its public point), not its `kid`, which a JWK may name as it likes. */
function refuseSameKey(gateway: { x?: string; y?: string }, platform: { x?: string; y?: string }): void {
  if (gateway.x === platform.x && gateway.y === platform.y) {
    throw new Error("PLATFORM_SIGNING_KEY must be another key than GATEWAY_SIGNING_KEY: subgraphs trust the gateway's key alone.");
  }
}

/** The pair of functions on either side of the gateway-to-subgraph hop. */
export function createForwarding(gatewayKey: SigningKeyPair): { sign: TokenSigner; verify: TokenVerifier } {
  return {
    sign: createTokenSigner({ key: gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: FORWARDED_TTL_SECONDS }),
    verify: createTokenVerifier({ keys: gatewayKey.publicKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE }),
  };
}
