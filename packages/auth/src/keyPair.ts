import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from "jose";

export const SIGNING_ALGORITHM = "ES256";

export interface SigningKeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half as a JWK with `kid`, `alg` and `use`, ready for a JWKS document. */
  publicJwk: JWK;
}

export async function createKeyPair(): Promise<SigningKeyPair> {
  return importKeyPair(await createPrivateJwk());
}

/** A new private key as a JWK; the imported key objects made from it are not extractable. */
async function createPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _private, ...publicPart } = jwk;
  return { ...jwk, kid: await calculateJwkThumbprint(publicPart) };
}

/** Builds a key pair from a private JWK (as kept in a file or a secret store). */
export async function importKeyPair(privateJwk: JWK): Promise<SigningKeyPair> {
  const { d: _private, ...publicPart } = privateJwk;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const publicJwk: JWK = { ...publicPart, kid, alg: SIGNING_ALGORITHM, use: "sig" };
  return {
    kid,
    privateKey: (await importJWK({ ...privateJwk, kid }, SIGNING_ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey,
    publicJwk,
  };
}

/** The public half of a signing key, for a process that only verifies: the same `kid` as `importKeyPair` gives. */
export interface VerifyKey {
  kid: string;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** Imports a public JWK; refuses a private one, so a verifying process is never handed a signing key by mistake. */
export async function importVerifyKey(jwk: JWK): Promise<VerifyKey> {
  if (jwk.d !== undefined) throw new Error("A verify key must be a public JWK: this one holds the private part (d).");
  const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
  const publicJwk: JWK = { ...jwk, kid, alg: SIGNING_ALGORITHM, use: "sig" };
  return { kid, publicKey: (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey, publicJwk };
}

/**
 * Development only: reads the key pair kept at `file`, or creates it on first use, so that
 * `pnpm token` and a running gateway agree without any setup. The file is readable by its
 * owner alone and lives in the git-ignored data directory.
 *
 * Processes started at the same moment (the split stack's five subgraphs and its gateway) agree
 * on one key: the file is written whole under a name of its own and then linked into place,
 * which fails for all but the first; the others read the winner's key. Written in place, a
 * process could read it half-written (an empty file: "Unexpected end of JSON input"), or two
 * could each keep a key of their own.
 */
export async function loadOrCreateKeyPair(file: string): Promise<SigningKeyPair> {
  if (existsSync(file)) return importKeyPair(readPrivateJwk(file));
  const privateJwk = await createPrivateJwk();
  mkdirSync(dirname(file), { recursive: true });
  const whole = `${file}.${randomUUID()}.tmp`;
  writeFileSync(whole, JSON.stringify(privateJwk), { mode: 0o600 });
  try {
    linkSync(whole, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return importKeyPair(readPrivateJwk(file));
  } finally {
    rmSync(whole, { force: true });
  }
  chmodSync(file, 0o600);
  return importKeyPair(privateJwk);
}

const readPrivateJwk = (file: string): JWK => JSON.parse(readFileSync(file, "utf8")) as JWK;
