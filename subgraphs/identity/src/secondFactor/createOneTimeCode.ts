import { createHmac, randomInt, timingSafeEqual } from "node:crypto";

/** A code is six digits, sent once; only its HMAC is stored. */
export const CODE_DIGITS = 6;

/** HMAC-SHA256 over `<challenge id>:<code>`, so a stored hash is useless for any other challenge. */
export function hashCode(otpKey: string, challengeId: string, code: string): string {
  return createHmac("sha256", otpKey).update(`${challengeId}:${code}`).digest("hex");
}

/** A fresh code for a challenge and the hash to store: the code itself goes only to the person. */
export function createOneTimeCode(otpKey: string, challengeId: string): { code: string; codeHash: string } {
  const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
  return { code, codeHash: hashCode(otpKey, challengeId, code) };
}

/** Whether a code matches the stored hash, in time independent of where they differ. */
export function verifyCode(otpKey: string, challengeId: string, code: string, codeHash: string): boolean {
  const expected = Buffer.from(codeHash, "hex");
  const actual = Buffer.from(hashCode(otpKey, challengeId, code), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
