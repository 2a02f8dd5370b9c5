import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { RequestObservers } from "./PolicyContext.ts";
import type { PolicyAlternatives } from "./readFieldPolicies.ts";

/** The Apollo Router's code for a field the caller may not read; clients can match on it. */
export const UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE";

/** `self | employer-of & work-trip`: the declared alternatives, as an auditor reads them. */
export function formatPolicy(alternatives: PolicyAlternatives | null): string {
  if (!alternatives || alternatives.length === 0) return "nobody";
  return alternatives.map((alternative) => alternative.join(" & ")).join(" | ");
}

/**
 * A denial. It names the field and the policy that did not hold, and nothing about the record:
 * not its values, not whether it exists. GraphQL adds the path.
 */
export class PolicyDeniedError extends GraphQLError {
  constructor(coordinate: string, mode: "read" | "write", alternatives: PolicyAlternatives | null) {
    super(`Not authorised to ${mode} ${coordinate}.`, {
      extensions: { code: UNAUTHORIZED, field: coordinate, policy: `${mode}: ${formatPolicy(alternatives)}` },
    });
  }
}

/** A denial, told to the request's observer (`onPolicyDenial` in the context) as it is made. */
export function denyPolicy(context: unknown, coordinate: string, mode: "read" | "write", alternatives: PolicyAlternatives | null): PolicyDeniedError {
  const error = new PolicyDeniedError(coordinate, mode, alternatives);
  (context as RequestObservers | null)?.onPolicyDenial?.({ field: coordinate, policy: String(error.extensions.policy) });
  return error;
}

/** Codes a resolver may send to the caller as they are; anything else is an internal error. */
const CALLER_FACING_CODES = new Set([
  "BAD_USER_INPUT",
  UNAUTHORIZED,
  "UNAUTHENTICATED",
  "NOT_FOUND",
  "TOO_MANY_REQUESTS",
  /** A partner (Twilio, Mollie...) refused or could not be reached; nothing was left half-done. */
  "PARTNER_UNAVAILABLE",
  "NOT_CONFIGURED",
]);

export interface ErrorLog {
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * graphql-shield's `fallbackError`. With `allowExternalErrors: false` shield routes both a rule
 * that returned false and an error a resolver threw through here. They are different things: a
 * database failure must read as an internal error (logged, detail withheld), not as a denial.
 */
export function createFallbackError(log: ErrorLog) {
  return (thrown: unknown, _parent: unknown, _args: unknown, context: unknown, info: GraphQLResolveInfo): GraphQLError => {
    const coordinate = `${info.parentType.name}.${info.fieldName}`;
    if (thrown === null || thrown === undefined) return denyPolicy(context, coordinate, "read", null);
    if (thrown instanceof GraphQLError && CALLER_FACING_CODES.has(String(thrown.extensions?.code))) return thrown;
    ((context as RequestObservers | null)?.log ?? log).error({ err: thrown, field: coordinate }, "resolver failed");
    return new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR", field: coordinate } });
  };
}
