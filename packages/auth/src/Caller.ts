import { z } from "zod";

/** The roles seen in the seed systems; a partner adapter acts as `partner:<name>`. */
export const STAFF_ROLES = [
  "subject",
  "therapist",
  "practice-manager",
  "employer-admin",
  "support",
  "researcher",
  "auditor",
  "service",
] as const;

export type Role = (typeof STAFF_ROLES)[number] | `partner:${string}`;

const roleSchema = z.union([
  z.enum(STAFF_ROLES),
  z.custom<`partner:${string}`>(
    (value) => typeof value === "string" && /^partner:[a-z][a-z0-9-]*$/.test(value),
    "a role such as partner:twilio",
  ),
]);

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
}

export function callerFromClaims(claims: CallerClaims): Caller {
  return {
    subject: claims.sub,
    role: claims.role,
    ...(claims.person ? { personId: claims.person } : {}),
    ...(claims.org ? { organisationId: claims.org } : {}),
    ...(claims.amr ? { authMethods: claims.amr } : {}),
  };
}

export function claimsFromCaller(caller: Caller): CallerClaims {
  return {
    sub: caller.subject,
    role: caller.role,
    ...(caller.personId ? { person: caller.personId } : {}),
    ...(caller.organisationId ? { org: caller.organisationId } : {}),
    ...(caller.authMethods ? { amr: caller.authMethods } : {}),
  };
}
