import type { Database } from "@grondslag/db";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { GraphQLError } from "graphql";
import { otpChallenges, type OtpChallengeRow } from "../db/tables.ts";
import { verifyCode } from "./createOneTimeCode.ts";
import { badInput, MAX_ATTEMPTS } from "./rules.ts";

export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface VerifyRequest {
  otpKey: string;
  /** The caller: a challenge of anyone else is "no such challenge". */
  personId: string;
  challengeId: string;
  code: string;
  purpose: OtpChallengeRow["purpose"];
  at: Date;
}

/** A refusal is returned, not thrown, so that the attempt it counted is committed with it. */
export type VerifyOutcome = { challenge: OtpChallengeRow; refusal?: undefined } | { refusal: GraphQLError };

/**
 * Checks a code against its challenge under a row lock (`select ... for update`), so two
 * concurrent checks of one challenge run one after the other and at most one consumes it.
 * Every check of a live challenge counts as an attempt. Run it inside a transaction.
 */
export async function verifyChallenge(tx: Transaction, request: VerifyRequest): Promise<VerifyOutcome> {
  const { challengeId, at } = request;
  const [challenge] = await tx.select().from(otpChallenges).where(eq(otpChallenges.id, challengeId)).for("update");
  if (!challenge || challenge.personId !== request.personId || challenge.purpose !== request.purpose) {
    return { refusal: badInput("No such challenge.") };
  }
  // Its code was never sent (the partner refused or failed): it only counts toward the limit.
  if (challenge.failedAt) return { refusal: badInput("The code could not be sent: request a new code.") };
  if (challenge.consumedAt) return { refusal: badInput("The code was already used.") };
  if (challenge.attempts >= MAX_ATTEMPTS) return { refusal: badInput("Too many attempts: request a new code.", { attemptsLeft: 0 }) };
  if (at.getTime() >= challenge.expiresAt.getTime()) return { refusal: badInput("The code has expired: request a new code.") };
  if (challenge.purpose === "enrol_phone") {
    // Only the newest enrolment code confirms: an older one went to a number no longer pending.
    // One whose send failed does not count: its number was put back to the one pending before.
    const [newer] = await tx
      .select({ id: otpChallenges.id })
      .from(otpChallenges)
      .where(and(eq(otpChallenges.personId, challenge.personId), eq(otpChallenges.purpose, "enrol_phone"), gt(otpChallenges.createdAt, challenge.createdAt), isNull(otpChallenges.failedAt)))
      .limit(1);
    if (newer) return { refusal: badInput("A newer code was sent: use that one.") };
  }

  const attempts = challenge.attempts + 1;
  const correct = verifyCode(request.otpKey, challenge.id, request.code, challenge.codeHash);
  const [updated] = await tx
    .update(otpChallenges)
    .set(correct ? { attempts, consumedAt: at } : { attempts })
    .where(eq(otpChallenges.id, challenge.id))
    .returning();
  if (!correct) return { refusal: badInput("The code is not correct.", { attemptsLeft: MAX_ATTEMPTS - attempts }) };
  return { challenge: updated! };
}
