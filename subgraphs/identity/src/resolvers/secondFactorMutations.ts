import { parseArguments } from "@grondslag/server";
import { eq } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { z } from "zod";
import type { IdentityContext } from "../context.ts";
import { secondFactors } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";
import { badInput, notConfigured } from "../secondFactor/rules.ts";
import { toSecondFactorChallenge, toSecondFactorStatus } from "../secondFactor/secondFactorStatus.ts";
import { requireOtpKey, startChallenge, type SecondFactorDeps } from "../secondFactor/startChallenge.ts";
import { verifyChallenge } from "../secondFactor/verifyChallenge.ts";

const enrolmentArgs = z.object({
  // Spaces, dots, dashes and brackets as people write numbers are dropped; what is left must be E.164.
  phone: z
    .string()
    .max(40)
    .transform((phone) => phone.replace(/[\s().-]/g, ""))
    .pipe(z.e164("phone must be in international format, e.g. +31612345678")),
});
const codeArgs = z.object({
  challengeId: z.string().min(1).max(200),
  code: z.string().max(64).transform((code) => code.replace(/\s/g, "")),
});


/** Every second-factor mutation acts on the caller; the `write` policies (`self`) have already held. */
function callerPersonId({ caller }: IdentityContext): string {
  if (!caller?.personId) throw new GraphQLError("Only a person can do this.", { extensions: { code: "UNAUTHENTICATED" } });
  return caller.personId;
}

export function createSecondFactorMutation(deps: SecondFactorDeps) {
  const { db, services, now } = deps;
  return {
    startPhoneEnrolment: async (_: unknown, args: unknown, context: IdentityContext) => {
      const personId = callerPersonId(context);
      const { phone } = parseArguments(enrolmentArgs, args);
      const challenge = await startChallenge(deps, { personId, purpose: "enrol_phone", channel: "sms", phone }, { requestId: context.requestId });
      context.loaders.secondFactor.clear(personId);
      return toSecondFactorChallenge(challenge);
    },

    confirmPhoneEnrolment: async (_: unknown, args: unknown, context: IdentityContext) => {
      const personId = callerPersonId(context);
      const { challengeId, code } = parseArguments(codeArgs, args, "No such challenge.");
      const otpKey = requireOtpKey(services);
      const at = now();
      const outcome = await db.transaction(async (tx) => {
        const verified = await verifyChallenge(tx, { otpKey, personId, challengeId, code, purpose: "enrol_phone", at });
        if (verified.refusal) return verified;
        const [factor] = await tx.select().from(secondFactors).where(eq(secondFactors.personId, personId)).for("update");
        // Thrown, so the consumption above is rolled back with it.
        if (!factor?.pendingPhone) throw badInput("No phone enrolment is under way.");
        const [enrolled] = await tx
          .update(secondFactors)
          .set({ phone: factor.pendingPhone, phoneVerifiedAt: at, pendingPhone: null, updatedAt: at })
          .where(eq(secondFactors.personId, personId))
          .returning();
        return { factor: enrolled! };
      });
      if ("refusal" in outcome) throw outcome.refusal;
      context.loaders.secondFactor.clear(personId);
      return toSecondFactorStatus(personId, outcome.factor);
    },

    startSecondFactorLogin: async (_: unknown, { channel }: { channel: "SMS" | "EMAIL" }, context: IdentityContext) => {
      const personId = callerPersonId(context);
      const challenge = await startChallenge(deps, { personId, purpose: "login", channel: channel === "SMS" ? "sms" : "email" }, { requestId: context.requestId });
      return toSecondFactorChallenge(challenge);
    },

    completeSecondFactorLogin: async (_: unknown, args: unknown, context: IdentityContext) => {
      const personId = callerPersonId(context);
      const { challengeId, code } = parseArguments(codeArgs, args, "No such challenge.");
      const otpKey = requireOtpKey(services);
      const issueSessionToken = services?.issueSessionToken;
      if (!issueSessionToken) throw notConfigured("issuing session tokens");
      const caller = context.caller!;
      const at = now();
      const outcome = await db.transaction(async (tx) => {
        const verified = await verifyChallenge(tx, { otpKey, personId, challengeId, code, purpose: "login", at });
        if (verified.refusal) return verified;
        // Issued before the consumption commits: if issuing fails, the code stays usable.
        return { session: await issueSessionToken({ ...caller, authMethods: ["otp"] }) };
      });
      if ("refusal" in outcome) throw outcome.refusal;
      return { personId, token: outcome.session.token, expiresAt: outcome.session.expiresAt };
    },
  } satisfies MutationResolvers;
}
