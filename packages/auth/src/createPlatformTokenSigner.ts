import { CAPABILITY_TTL_SECONDS } from "./capability.ts";
import { isPartnerRole, type Caller } from "./Caller.ts";
import { createTokenSigner, type TokenSigner } from "./createTokenSigner.ts";
import type { SigningKeyPair } from "./keyPair.ts";

export interface PlatformTokenSignerOptions {
  key: SigningKeyPair;
  issuer: string;
  audience: string;
  /** A second-factor session's lifetime, in seconds. Default 3600. */
  sessionTtlSeconds?: number;
}

/** How long the platform's `service` tokens live: each is signed for the one request it makes. */
export const SERVICE_TTL_SECONDS = 60;

/**
 * The platform's own issuer, apart from the people's: it signs the platform's `service` jobs,
 * partner capabilities and second-factor sessions, so these work whatever identity provider
 * the people use. A partner gets a capability (one operation, its variables, one person, about
 * a minute) and never a general token: asked for one, this throws.
 */
export function createPlatformTokenSigner(options: PlatformTokenSignerOptions): TokenSigner {
  const base = { key: options.key, issuer: options.issuer, audience: options.audience };
  const capability = createTokenSigner({ ...base, ttlSeconds: CAPABILITY_TTL_SECONDS });
  const service = createTokenSigner({ ...base, ttlSeconds: SERVICE_TTL_SECONDS });
  const session = createTokenSigner({ ...base, ttlSeconds: options.sessionTtlSeconds ?? 3600 });
  return async (caller: Caller) => {
    if (isPartnerRole(caller.role)) {
      if (!caller.capability) throw new Error(`${caller.role} acts only with a capability for one operation and one person, never with a general token.`);
      return capability(caller);
    }
    if (caller.capability) throw new Error("Only a partner holds a capability.");
    return caller.role === "service" ? service(caller) : session(caller);
  };
}
