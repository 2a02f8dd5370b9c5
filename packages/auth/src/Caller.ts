import { z } from "zod";

/**
 * The roles of people: what the people's identity provider (AUTH_JWKS_URL, or the development
 * issuer) may put in a token. Anything else it claims is refused at the gateway.
 */
export const PEOPLE_ROLES = ["subject", "therapist", "practice-manager", "employer-admin", "support", "researcher", "auditor"] as const;

/** Every role a caller can hold: the people's, `service` (the platform's own jobs) and `partner:<name>`. */
export const STAFF_ROLES = [...PEOPLE_ROLES, "service"] as const;

export type PeopleRole = (typeof PEOPLE_ROLES)[number];
export type Role = (typeof STAFF_ROLES)[number] | `partner:${string}`;

const PARTNER_ROLE = /^partner:[a-z][a-z0-9-]*$/;

/** Whether a role belongs to a person, as opposed to the platform's own callers (`service`, `partner:*`). */
export function isPeopleRole(role: string): role is PeopleRole {
  return (PEOPLE_ROLES as readonly string[]).includes(role);
}

export function isPartnerRole(role: string): role is `partner:${string}` {
  return PARTNER_ROLE.test(role);
}

const roleSchema = z.union([
  z.enum(STAFF_ROLES),
  z.custom<`partner:${string}`>((value) => typeof value === "string" && PARTNER_ROLE.test(value), "a role such as partner:twilio"),
]);

/**
 * What a partner capability allows: one operation (the sha256 of its exact text), with exactly
 * these variables, about one person. The gateway refuses the capability for any other request,
 * and the `partner:<name>` requirement for any record about anyone else.
 */
export interface Capability {
  /** The sha256 (hex) of the operation's document, as sent. */
  operation: string;
  /** The operation's variables, exactly: `{ personId }`, `{ invoiceId }`, ... */
  variables: Record<string, string>;
  /** The data subject: every record the operation reads must be about this person. */
  personId: string;
}

const capabilitySchema = z.object({
  op: z.string().regex(/^[0-9a-f]{64}$/),
  vars: z.record(z.string(), z.string()),
  person: z.string().min(1),
});

/** The claims a Grondslag token carries beside the registered ones (iss, aud, exp...). */
export const callerClaimsSchema = z.object({
  sub: z.string().min(1),
  role: roleSchema,
  /** The person the caller is, when the caller is a person. */
  person: z.string().min(1).optional(),
  /** The organisation the caller acts for: a practice, an employer, the platform. */
  org: z.string().min(1).optional(),
  /** How the caller authenticated (RFC 8176), e.g. ["otp"] after a second-factor login. */
  amr: z.array(z.string()).optional(),
  /** A partner capability's scope (`Capability`); only the platform's own issuer signs one. */
  cap: capabilitySchema.optional(),
  /** The token's own id (RFC 7519): the gateway signs a new forwarded token, so a new id, for every request. Any string: a people's token is not refused for its id. */
  jti: z.string().optional(),
});

export type CallerClaims = z.infer<typeof callerClaimsSchema>;

/** A verified caller, as resolvers see it in their context. */
export interface Caller {
  subject: string;
  role: Role;
  personId?: string;
  organisationId?: string;
  /** How the caller authenticated (the token's `amr`), e.g. ["otp"] after a second-factor login. */
  authMethods?: string[];
  /**
   * A partner's scope: the one operation, variables and person its capability was issued for.
   * Not `personId`: the partner is not that person, and `self` must never hold for it.
   */
  capability?: Capability;
  /**
   * The verified token's id (`jti`), never forwarded as a claim. On the gateway's forwarded
   * token it names one gateway request: the subgraphs tell that request's fetches apart from the
   * next request's by it (the policy's facts are shared by a request's read-only fetches only).
   */
  tokenId?: string;
}

export function callerFromClaims(claims: CallerClaims): Caller {
  return {
    subject: claims.sub,
    role: claims.role,
    ...(claims.person ? { personId: claims.person } : {}),
    ...(claims.org ? { organisationId: claims.org } : {}),
    ...(claims.amr ? { authMethods: claims.amr } : {}),
    ...(claims.cap ? { capability: { operation: claims.cap.op, variables: claims.cap.vars, personId: claims.cap.person } } : {}),
    ...(claims.jti ? { tokenId: claims.jti } : {}),
  };
}

export function claimsFromCaller(caller: Caller): CallerClaims {
  return {
    sub: caller.subject,
    role: caller.role,
    ...(caller.personId ? { person: caller.personId } : {}),
    ...(caller.organisationId ? { org: caller.organisationId } : {}),
    ...(caller.authMethods ? { amr: caller.authMethods } : {}),
    ...(caller.capability
      ? { cap: { op: caller.capability.operation, vars: caller.capability.variables, person: caller.capability.personId } }
      : {}),
  };
}
