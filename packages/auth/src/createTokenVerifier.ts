import { decodeJwt, errors, jwtVerify, type CryptoKey, type JWTVerifyGetKey } from "jose";
import { CAPABILITY_TTL_SECONDS, CapabilityRefusedError } from "./capability.ts";
import { callerClaimsSchema, callerFromClaims, isPartnerRole, isPeopleRole, type Caller } from "./Caller.ts";
import { SIGNING_ALGORITHM } from "./keyPair.ts";

/** A key, or a key set (`createLocalJWKSet`, `createRemoteJWKSet`) chosen by the token's kid. */
export type CryptoKeyOrKeySet = CryptoKey | JWTVerifyGetKey;

export interface TokenVerifierOptions {
  keys: CryptoKeyOrKeySet;
  issuer: string;
  audience: string;
  /** Leeway for clock differences, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * The platform's own issuer: an expired partner capability (its signature verified) is
   * refused as a capability, with the policy's error, rather than as an unknown token.
   */
  capabilities?: boolean;
}

export type TokenVerifier = (token: string) => Promise<Caller>;

/** Why a token was refused; `message` is safe to show the caller and names no personal data. */
export class InvalidTokenError extends Error {
  override readonly name = "InvalidTokenError";
  constructor(
    readonly reason:
      | "missing"
      | "malformed"
      | "expired"
      | "wrong-issuer"
      | "wrong-audience"
      | "bad-signature"
      | "bad-claims"
      /** A people's token claiming one of the platform's own roles (`service`, `partner:*`). */
      | "internal-role",
    message: string,
  ) {
    super(message);
  }
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, options.keys as JWTVerifyGetKey, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [SIGNING_ALGORITHM],
        clockTolerance: options.clockToleranceSeconds ?? 5,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (error) {
      // jose checks the signature before the claims: an expired token's payload is authentic.
      if (options.capabilities && error instanceof errors.JWTExpired && (error.payload as { cap?: unknown }).cap !== undefined) {
        throw new CapabilityRefusedError("expired");
      }
      throw explain(error);
    }
    const claims = callerClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new InvalidTokenError("bad-claims", "The token does not name a valid caller and role.");
    }
    return callerFromClaims(claims.data);
  };
}

export interface CallerVerifierOptions {
  /** The people's identity provider (AUTH_JWKS_URL, or the development issuer): people's roles only. */
  people: TokenVerifierOptions;
  /** The platform's own issuer: `service` jobs, partner capabilities, second-factor sessions. */
  platform: Omit<TokenVerifierOptions, "capabilities">;
}

/**
 * The gateway's two issuers, kept apart. A token names its issuer; the platform's is verified
 * with the platform's own key, any other with the people's keys. The people's issuer may name
 * people's roles only: `service` or `partner:*` from it is refused, so an identity provider (or
 * anyone who can get a token from it) cannot make itself one of the platform's own callers.
 * The platform's issuer signs partners only as capabilities, never as a general token.
 */
export function createCallerVerifier(options: CallerVerifierOptions): TokenVerifier {
  if (options.people.issuer === options.platform.issuer) {
    throw new Error(`The people's issuer and the platform's must differ (both are "${options.people.issuer}").`);
  }
  const people = createTokenVerifier(options.people);
  const platform = createTokenVerifier({ ...options.platform, capabilities: true });
  return async (token) => {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new InvalidTokenError("malformed", "The token is not a well-formed signed JWT.");
    }
    if (issuer === options.platform.issuer) {
      const caller = await platform(token);
      if (isPartnerRole(caller.role) !== (caller.capability !== undefined)) {
        throw new InvalidTokenError("bad-claims", "A partner acts only with a capability for one operation and one person.");
      }
      // A capability lives a minute from when it was signed, whatever else it says: checked here
      // too, not only by the signer, so that a capability made with the key some other way (a
      // one-year `exp`, an `iat` in the future) is refused.
      if (caller.capability !== undefined && !withinCapabilityLifetime(decodeJwt(token), options.platform.clockToleranceSeconds ?? 5)) {
        throw new InvalidTokenError("bad-claims", `A capability lives at most ${CAPABILITY_TTL_SECONDS} seconds from when it was signed.`);
      }
      return caller;
    }
    const caller = await people(token);
    if (!isPeopleRole(caller.role) || caller.capability !== undefined) {
      throw new InvalidTokenError("internal-role", "This issuer may name people's roles only: service and partner callers are the platform's own.");
    }
    // A second-factor session (`amr: ["otp"]`) is the platform's to sign, after its own one-time
    // code: the people's issuer's claim of it opens nothing the `second-factor` rule guards.
    const { authMethods: _notOurs, ...person } = caller;
    return person;
  };
}

/** `iat` given and not ahead of now (beyond the tolerance), and `exp` at most the capability's lifetime after it. */
function withinCapabilityLifetime({ iat, exp }: { iat?: number; exp?: number }, toleranceSeconds: number): boolean {
  const now = Math.floor(Date.now() / 1000);
  return typeof iat === "number" && typeof exp === "number" && iat <= now + toleranceSeconds && exp - iat <= CAPABILITY_TTL_SECONDS;
}

function explain(error: unknown): InvalidTokenError {
  if (error instanceof errors.JWTExpired) {
    return new InvalidTokenError("expired", "The token has expired.");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return new InvalidTokenError("wrong-issuer", "The token was not issued by a trusted issuer.");
    if (error.claim === "aud") return new InvalidTokenError("wrong-audience", "The token is not meant for this service.");
    return new InvalidTokenError("bad-claims", `The token's "${error.claim}" claim is invalid.`);
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return new InvalidTokenError("bad-signature", "The token's signature does not verify.");
  }
  return new InvalidTokenError("malformed", "The token is not a well-formed signed JWT.");
}

/** Reads `Authorization: Bearer <token>`; returns undefined when there is none. */
export function readBearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new InvalidTokenError("malformed", "The Authorization header must be 'Bearer <token>'.");
  return match[1];
}
