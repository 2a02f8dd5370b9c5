import type { Caller } from "./Caller.ts";

/** The demo cast of DESIGN.md §8: stable ids used by the demo data, the docs and the tests. */
export const personas = {
  anna: { subject: "anna", role: "subject", personId: "anna" },
  bram: { subject: "bram", role: "subject", personId: "bram" },
  tom: { subject: "tom", role: "therapist", personId: "tom", organisationId: "fysio-utrecht" },
  mila: { subject: "mila", role: "therapist", personId: "mila", organisationId: "praktijk-gent" },
  /** Treats anna at a second practice: what she sees of anna, tom must not, and the other way round. */
  noor: { subject: "noor", role: "therapist", personId: "noor", organisationId: "oefen-amersfoort" },
  eva: { subject: "eva", role: "employer-admin", personId: "eva", organisationId: "acme" },
  sam: { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" },
  audrey: { subject: "audrey", role: "auditor", personId: "audrey" },
  rita: { subject: "rita", role: "researcher", personId: "rita" },
  twilio: { subject: "twilio", role: "partner:twilio" },
  mollie: { subject: "mollie", role: "partner:mollie" },
  twikey: { subject: "twikey", role: "partner:twikey" },
  ovchip: { subject: "ovchip", role: "partner:ovchip" },
} as const satisfies Record<string, Caller>;

export type PersonaName = keyof typeof personas;

export function isPersonaName(name: string): name is PersonaName {
  return Object.hasOwn(personas, name);
}
