import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { claimsFromCaller, type Caller } from "./Caller.ts";
import { SIGNING_ALGORITHM, type SigningKeyPair } from "./keyPair.ts";

export interface TokenSignerOptions {
  key: SigningKeyPair;
  issuer: string;
  audience: string;
  /** Lifetime of a token in seconds. Default 3600. */
  ttlSeconds?: number;
}

export type TokenSigner = (caller: Caller) => Promise<string>;

/**
 * Signs tokens that carry a caller: development tokens, and the gateway's forwarded caller. Each
 * token gets an id of its own (`jti`): the gateway signs one per request, so its id names that
 * request to the subgraphs (`Caller.tokenId`).
 */
export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  const ttl = options.ttlSeconds ?? 3600;
  return (caller) =>
    new SignJWT({ ...claimsFromCaller(caller) })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: options.key.kid, typ: "JWT" })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(options.key.privateKey);
}
