import { join } from "node:path";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  createTokenSigner,
  createTokenVerifier,
  importKeyPair,
  loadOrCreateKeyPair,
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

export interface StackAuth {
  /** Verifies callers' tokens at the gateway. */
  verifyToken: TokenVerifier;
  /** The gateway's key for the caller it forwards. */
  gatewayKey: SigningKeyPair;
  /**
   * Signs tokens the gateway accepts: `pnpm token`, the partner adapters' own callers, and the
   * session after a second-factor login. Development only: with an external identity provider
   * (AUTH_JWKS_URL) there is none, and those features say they are not configured.
   */
  issueToken?: TokenSigner;
}

export function devIssuerKeyFile(env: Env): string {
  return join(env.DATA_DIR, "keys", "dev-issuer.jwk.json");
}

/**
 * Production reads the identity provider's JWKS URL; development creates a local issuer key
 * on first use in DATA_DIR, so `pnpm token anna` and the running gateway agree.
 */
export async function createAuth(env: Env): Promise<StackAuth> {
  const gatewayKey = env.GATEWAY_SIGNING_KEY
    ? await importKeyPair(JSON.parse(env.GATEWAY_SIGNING_KEY))
    : await loadOrCreateKeyPair(join(env.DATA_DIR, "keys", "gateway.jwk.json"));

  if (env.AUTH_JWKS_URL) {
    return {
      gatewayKey,
      verifyToken: createTokenVerifier({
        keys: createRemoteJWKSet(new URL(env.AUTH_JWKS_URL)),
        issuer: env.AUTH_ISSUER,
        audience: env.AUTH_AUDIENCE,
      }),
    };
  }
  const issuerKey = await loadOrCreateKeyPair(devIssuerKeyFile(env));
  return {
    gatewayKey,
    verifyToken: createTokenVerifier({
      keys: createLocalJWKSet({ keys: [issuerKey.publicJwk] }),
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
    }),
    issueToken: createTokenSigner({ key: issuerKey, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE }),
  };
}

/** The pair of functions on either side of the gateway-to-subgraph hop. */
export function createForwarding(gatewayKey: SigningKeyPair): { sign: TokenSigner; verify: TokenVerifier } {
  return {
    sign: createTokenSigner({ key: gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: FORWARDED_TTL_SECONDS }),
    verify: createTokenVerifier({ keys: gatewayKey.publicKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE }),
  };
}
