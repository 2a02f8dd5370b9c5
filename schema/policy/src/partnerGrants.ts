import { CONSENT_BASES } from "./readFieldPolicies.ts";
import type { GraphFieldPolicy } from "./readGraphPolicy.ts";

/**
 * One field a partner's declared operation selects: the partner reads it for that purpose.
 * Derived from the partners' declarations (`integrations/registry`), never written by hand, so
 * the policy, the register and the declarations cannot disagree.
 */
export interface PartnerFieldGrant {
  /** `Type.field`, as the operation selects it (roots such as `Query.person` included). */
  coordinate: string;
  partner: string;
  purpose: string;
  legalRole: string;
  basis: string;
  /** The declared operation's name, e.g. `TwilioSmsRecipient`. */
  operation: string;
}

const PARTNER = /^partner:([a-z][a-z0-9-]*)$/;

/** Partner name → the coordinates its declared operations select. */
export function indexPartnerFields(grants: readonly PartnerFieldGrant[]): ReadonlyMap<string, ReadonlySet<string>> {
  const index = new Map<string, Set<string>>();
  for (const grant of grants) {
    let coordinates = index.get(grant.partner);
    if (!coordinates) index.set(grant.partner, (coordinates = new Set()));
    coordinates.add(grant.coordinate);
  }
  return index;
}

/**
 * Where the schema's `partner:<name>` read grants and the partners' declarations differ, in
 * either direction, one line per field: a grant no declared operation uses (the partner could
 * read more than its purpose needs), or a declared field the schema does not grant (the send
 * would fail). Empty when they agree.
 */
export function comparePartnerGrants(policies: readonly GraphFieldPolicy[], declared: readonly PartnerFieldGrant[]): string[] {
  const byPartner = indexPartnerFields(declared);
  const granted = new Map<string, Set<string>>();
  for (const policy of policies) {
    for (const alternative of policy.read ?? []) {
      for (const name of alternative) {
        const partner = PARTNER.exec(name)?.[1];
        if (!partner) continue;
        let coordinates = granted.get(partner);
        if (!coordinates) granted.set(partner, (coordinates = new Set()));
        coordinates.add(policy.coordinate);
      }
    }
  }
  const problems: string[] = [];
  const known = new Set(policies.map((policy) => policy.coordinate));
  for (const [partner, coordinates] of granted) {
    for (const coordinate of coordinates) {
      if (!byPartner.get(partner)?.has(coordinate)) {
        problems.push(`${coordinate} grants partner:${partner}, but no declared ${partner} operation selects it: remove the grant, or declare the field set that needs it.`);
      }
    }
  }
  // Data held on a consent is disclosed on that consent: a declaration naming another basis for it
  // would be logged as a disclosure on that basis (`partner:<name>` still stops it once the consent
  // is withdrawn, as it stops every reader).
  const byCoordinate = new Map(policies.map((policy) => [policy.coordinate, policy]));
  for (const grant of declared) {
    const field = byCoordinate.get(grant.coordinate);
    if (field?.basis && CONSENT_BASES.has(field.basis) && grant.basis !== field.basis) {
      problems.push(
        `${grant.coordinate} is held on ${field.basis} (${field.purpose ?? "no purpose"}), but the ${grant.partner} operation ${grant.operation} that selects it declares ${grant.basis}: a partner receives consent-based data on that consent only.`,
      );
    }
  }
  for (const [partner, coordinates] of byPartner) {
    for (const coordinate of coordinates) {
      if (!known.has(coordinate)) problems.push(`${coordinate} is selected by a declared ${partner} operation but is not a field of the graph.`);
      else if (!granted.get(partner)?.has(coordinate)) {
        problems.push(`${coordinate} is selected by a declared ${partner} operation, but its read policy does not grant partner:${partner}.`);
      }
    }
  }
  return problems.sort();
}
