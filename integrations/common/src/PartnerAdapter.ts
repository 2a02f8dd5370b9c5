/** GDPR Art. 6/9 bases, as the policy vocabulary names them. */
export type LawfulBasis = "CONSENT" | "EXPLICIT_CONSENT" | "CONTRACT" | "LEGAL_OBLIGATION" | "LEGITIMATE_INTEREST" | "CONTROLLER_INSTRUCTION";

/** What a partner company declares when it is onboarded: read by auditors, enforced by the graph. */
export interface PartnerDeclaration {
  /** The partner's name; the adapter queries the graph as the caller `partner:<partner>`. */
  partner: string;
  /** A processor acts on our instruction; an independent controller decides for itself. */
  legalRole: "processor" | "independent-controller";
  /** Why the partner receives data, e.g. `second-factor-login`. */
  purpose: string;
  basis: LawfulBasis;
  /**
   * The exact fields the partner receives: one GraphQL operation taking the variables its
   * purpose needs (`$personId`, `$invoiceId`...), run as `partner:<partner>` with a capability
   * for this operation, those variables and one person (`readFieldSet`). The schema's
   * `partner:<partner>` policies must allow exactly these fields, so the declaration and the
   * enforcement are the same thing.
   */
  fieldSet: string;
}

/** A partner's refusal or failure, said so that a caller can act on it. */
export class PartnerError extends Error {
  override readonly name = "PartnerError";
  constructor(
    /** BAD_USER_INPUT: the partner refused our data (an invalid number); PARTNER_UNAVAILABLE: try later. */
    readonly code: "BAD_USER_INPUT" | "PARTNER_UNAVAILABLE",
    message: string,
    /** Whether sending again with the same idempotency key is known to be harmless. */
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The contract every partner adapter satisfies: map the declared fields to the partner's
 * request, and send it with the partner's official SDK (injected, so tests configure it).
 */
export interface PartnerAdapter<Input, Request> {
  declaration: PartnerDeclaration;
  /** Builds the partner's request from the field set's answer and the input; nothing else. */
  toRequest(fields: Record<string, unknown>, input: Input): Request;
  /**
   * Sends the request; resolves with the partner's reference for it (a message SID, a payment
   * id). Throws a PartnerError: `retryable` only where the partner says a retry is harmless.
   */
  send(request: Request, options: { idempotencyKey: string }): Promise<{ reference: string }>;
  /**
   * Asks the partner whether a send that may have left (the process died after calling it, or
   * the partner answered with a timeout or a 5xx) arrived: its reference when it did, null when
   * the partner says it has no such send. Built from the field set's answer, as `toRequest` is,
   * and from the time the attempt started. Leave it out when the partner's API cannot say: such
   * a send is then recorded as UNKNOWN, never as failed and never sent again.
   */
  reconcile?(fields: Record<string, unknown>, attempt: { since: Date; idempotencyKey: string }): Promise<{ reference: string } | null>;
}

/**
 * Whether a failed attempt may still have reached the partner: a refusal (BAD_USER_INPUT) and a
 * retryable error (the partner documents that it did nothing) did not; anything else might have.
 */
export function mayHaveSent(error: PartnerError): boolean {
  return error.code === "PARTNER_UNAVAILABLE" && !error.retryable;
}
