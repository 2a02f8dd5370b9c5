import { GraphQLError } from "graphql";

/** How long a code can be used. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Checks per challenge; the next one is refused even with the right code. */
export const MAX_ATTEMPTS = 5;
/**
 * Challenges a person may start per window. A start removes the person's challenges created
 * before the window that are expired, used or failed (startChallenge): that relies on a code
 * living no longer than the window (CODE_LIFETIME_MS <= CHALLENGE_WINDOW_MS, a test checks it).
 */
export const MAX_CHALLENGES = 5;
export const CHALLENGE_WINDOW_MS = 15 * 60 * 1000;

export const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", ...extensions } });

export const notConfigured = (what: string) =>
  new GraphQLError(`Second-factor login is not available: ${what} is not configured.`, { extensions: { code: "NOT_CONFIGURED" } });

/** The text a code is sent in: never logged, never part of an error. */
export function codeMessage(language: string | null | undefined, code: string): string {
  return language === "nl"
    ? `Je Grondslag-code is ${code}. Deze code verloopt over 10 minuten.`
    : `Your Grondslag code is ${code}. It expires in 10 minutes.`;
}
