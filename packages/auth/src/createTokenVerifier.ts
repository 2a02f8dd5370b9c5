import { errors, jwtVerify, type CryptoKey, type JWTVerifyGetKey } from "jose";
import { callerClaimsSchema, callerFromClaims, type Caller } from "./Caller.ts";
import { SIGNING_ALGORITHM } from "./keyPair.ts";

export interface TokenVerifierOptions {
  /** A key, or a key set (`createLocalJWKSet`, `createRemoteJWKSet`) chosen by the token's kid. */
  keys: CryptoKey | JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Leeway for clock differences, in seconds. Default 5. */
  clockToleranceSeconds?: number;
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
      | "bad-claims",
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
      throw explain(error);
    }
    const claims = callerClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new InvalidTokenError("bad-claims", "The token does not name a valid caller and role.");
    }
    return callerFromClaims(claims.data);
  };
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
