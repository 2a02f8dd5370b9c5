import { createHash } from "node:crypto";
import type { Capability } from "./Caller.ts";

/** A capability lives about a minute: long enough for one read, short enough that a leaked one is soon worthless. */
export const CAPABILITY_TTL_SECONDS = 60;

/** The sha256 (hex) of an operation's exact text: what a capability binds, and what persisted operations use. */
export function operationHash(document: string): string {
  return createHash("sha256").update(document).digest("hex");
}

/** The capability for running `document` with exactly `variables`, about `personId`. */
export function capabilityFor(document: string, variables: Record<string, string>, personId: string): Capability {
  return { operation: operationHash(document), variables: { ...variables }, personId };
}

export type CapabilityRefusal = "expired" | "other-operation" | "other-variables" | "undeclared-operation";

/**
 * A partner capability used outside its scope. Its message names the reason only: not the
 * person, not the variables, not what the operation would have read.
 */
export class CapabilityRefusedError extends Error {
  override readonly name = "CapabilityRefusedError";
  constructor(readonly reason: CapabilityRefusal) {
    super(
      reason === "expired"
        ? "This partner capability has expired: obtain a new one for the request."
        : reason === "undeclared-operation"
          ? "This partner capability binds an operation the partner has not declared: capabilities are issued for declared field sets only."
          : "This partner capability does not cover this request: it allows one operation with the variables it was issued for.",
    );
  }
}

/** Why a request falls outside a capability, or undefined when it is the request the capability was issued for. */
export function checkCapability(capability: Capability, document: string, variables: unknown): CapabilityRefusal | undefined {
  if (operationHash(document) !== capability.operation) return "other-operation";
  const sent = variables ?? {};
  if (typeof sent !== "object" || Array.isArray(sent)) return "other-variables";
  const entries = Object.entries(sent as Record<string, unknown>);
  const bound = Object.entries(capability.variables);
  if (entries.length !== bound.length) return "other-variables";
  return bound.every(([name, value]) => (sent as Record<string, unknown>)[name] === value) ? undefined : "other-variables";
}
