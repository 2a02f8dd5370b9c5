import { randomUUID } from "node:crypto";
import type { Database } from "@grondslag/db";
import type { Logger, PlatformServices } from "@grondslag/server";
import { and, eq, gt, isNotNull, isNull, lte, max, or, sql } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { otpChallenges, persons, secondFactors, type OtpChallengeRow, type SecondFactorRow } from "../db/tables.ts";
import { createOneTimeCode } from "./createOneTimeCode.ts";
import { badInput, CHALLENGE_WINDOW_MS, CODE_LIFETIME_MS, codeMessage, MAX_CHALLENGES, notConfigured } from "./rules.ts";

/** What the second-factor resolvers are built from. */
export interface SecondFactorDeps {
  db: Database;
  services: PlatformServices | undefined;
  log: Logger;
  now: () => Date;
}

export type StartRequest =
  | { personId: string; purpose: "enrol_phone"; channel: "sms"; phone: string }
  | { personId: string; purpose: "login"; channel: "sms" | "email" };

export function requireOtpKey(services: PlatformServices | undefined): string {
  if (!services?.otpKey) throw notConfigured("the one-time code key");
  return services.otpKey;
}

/**
 * Creates a challenge and sends its code. The challenge (and, when enrolling, the pending
 * phone) is committed before the code is sent, because the partner adapter reads the
 * destination through the graph in a request of its own. When sending fails, the pending phone
 * is put back and the challenge is marked failed, not removed: it still counts toward
 * MAX_CHALLENGES, so a number the partner refuses cannot be tried without end (each try is a
 * paid partner call: SMS pumping), and it can never be verified. The partner's error is
 * rethrown as it is. A start also removes the person's challenges that have left the counting
 * window and can no longer be verified: the retention of the table (see below).
 */
export async function startChallenge(deps: SecondFactorDeps, request: StartRequest, origin: { requestId?: string | undefined } = {}): Promise<OtpChallengeRow> {
  const { db, services, log, now } = deps;
  const otpKey = requireOtpKey(services);
  const sendToPartner = services?.sendToPartner;
  if (!sendToPartner) throw notConfigured("sending one-time codes");

  const at = now();
  const id = randomUUID();
  const { code, codeHash } = createOneTimeCode(otpKey, id);
  const { personId, purpose, channel } = request;

  const started = await db.transaction(async (tx) => {
    // One start at a time per person, so the count below and the pending phone stay consistent.
    const [person] = await tx
      .select({ email: persons.email, language: persons.language })
      .from(persons)
      .where(eq(persons.id, personId))
      .for("no key update");
    if (!person) throw new GraphQLError("No such person.", { extensions: { code: "NOT_FOUND" } });
    const [factor] = await tx.select().from(secondFactors).where(eq(secondFactors.personId, personId)).for("update");
    if (purpose === "login" && channel === "sms" && !factor?.phone) throw badInput("No phone is enrolled for second-factor login.");
    if (purpose === "login" && channel === "email" && !person.email) throw badInput("No email address is known for second-factor login.");

    // Retention of identity.otp_challenge (a person id, a code hash, timestamps: personal data).
    // There is no job runner, so each start removes the person's challenges that can matter no
    // more: created before the counting window (so they no longer count toward MAX_CHALLENGES)
    // and expired, used or failed (so they can never be verified). Because a code lives no
    // longer than the window (CODE_LIFETIME_MS <= CHALLENGE_WINDOW_MS, checked in the tests),
    // every enrolment challenge older than one removed here has expired too, so "the newest
    // enrolment challenge" (verifyChallenge) is never decided by a removed row. What stays per
    // person is bounded: at most the window's challenges (MAX_CHALLENGES). A person who never
    // starts again keeps at most those few rows.
    const windowStart = new Date(at.getTime() - CHALLENGE_WINDOW_MS);
    await tx
      .delete(otpChallenges)
      .where(
        and(
          eq(otpChallenges.personId, personId),
          lte(otpChallenges.createdAt, windowStart),
          or(lte(otpChallenges.expiresAt, at), isNotNull(otpChallenges.consumedAt), isNotNull(otpChallenges.failedAt)),
        ),
      );

    const [counts] = await tx
      .select({
        recent: sql<number>`count(*) filter (where ${gt(otpChallenges.createdAt, windowStart)})`.mapWith(Number),
        latest: max(otpChallenges.createdAt),
      })
      .from(otpChallenges)
      .where(eq(otpChallenges.personId, personId));
    if ((counts?.recent ?? 0) >= MAX_CHALLENGES) {
      throw new GraphQLError("Too many codes were requested: try again in a few minutes.", { extensions: { code: "TOO_MANY_REQUESTS" } });
    }

    if (request.purpose === "enrol_phone") {
      if (factor) await tx.update(secondFactors).set({ pendingPhone: request.phone, updatedAt: at }).where(eq(secondFactors.personId, personId));
      else await tx.insert(secondFactors).values({ personId, pendingPhone: request.phone, updatedAt: at });
    }
    // Strictly later than every earlier challenge of the person, even on a clock that stands
    // still, so "the newest enrolment challenge" is always one challenge.
    const latest = counts?.latest ? new Date(counts.latest).getTime() : Number.NEGATIVE_INFINITY;
    const createdAt = new Date(Math.max(at.getTime(), latest + 1));
    const [challenge] = await tx
      .insert(otpChallenges)
      .values({ id, personId, purpose, channel, codeHash, expiresAt: new Date(at.getTime() + CODE_LIFETIME_MS), createdAt })
      .returning();
    return { challenge: challenge!, language: person.language, previous: factor };
  });

  try {
    // The channel is a capability a registered partner package serves; the request id ties the
    // partner's field-set read and the disclosure record to the request that asked for the code.
    await sendToPartner(`one-time-code:${channel}`, { personId, input: { text: codeMessage(started.language, code) }, idempotencyKey: `second-factor:${id}`, requestId: origin.requestId });
  } catch (error) {
    try {
      await undoStart(db, request, started.challenge.id, started.previous, now());
    } catch (undoError) {
      log.error({ err: undoError, challengeId: id }, "could not mark failed a one-time code challenge whose code was not sent");
    }
    throw error;
  }
  log.info({ challengeId: id, purpose, channel }, "one-time code sent");
  return started.challenge;
}

/**
 * Marks the challenge failed (kept, so it still counts toward the limit; never verifiable) and
 * puts the pending phone back as it was, unless another enrolment has since replaced it: that
 * phone was never confirmed.
 */
async function undoStart(db: Database, request: StartRequest, challengeId: string, previous: SecondFactorRow | undefined, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(otpChallenges).set({ failedAt: at }).where(eq(otpChallenges.id, challengeId));
    if (request.purpose !== "enrol_phone") return;
    const stillOurs = and(eq(secondFactors.personId, request.personId), eq(secondFactors.pendingPhone, request.phone));
    if (previous) {
      await tx.update(secondFactors).set({ pendingPhone: previous.pendingPhone, updatedAt: previous.updatedAt }).where(stillOurs);
    } else {
      await tx.delete(secondFactors).where(and(stillOurs, isNull(secondFactors.phone)));
    }
  });
}
