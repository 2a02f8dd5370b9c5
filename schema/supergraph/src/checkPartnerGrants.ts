import { partnerPackages, readPartnerFields } from "@grondslag/partners";
import { comparePartnerGrants, readGraphPolicy, type PartnerFieldGrant } from "@grondslag/policy";
import type { PartnerPackage } from "@grondslag/integration-common";

/** What the check reads of a partner package: its name and its declarations. */
type DeclaringPackage = Pick<PartnerPackage, "partner" | "declarations">;

/** The fields the registered partners' declared operations select, read against the supergraph. */
export function loadPartnerFields(supergraphSdl: string, packages: readonly DeclaringPackage[] = partnerPackages): PartnerFieldGrant[] {
  return readPartnerFields(supergraphSdl, packages);
}

/**
 * Where the supergraph's `partner:<name>` grants and the partners' declarations differ, one
 * line per field (empty when they agree): `pnpm check:supergraph` fails on any.
 */
export function checkPartnerGrants(supergraphSdl: string, packages: readonly DeclaringPackage[] = partnerPackages): string[] {
  return comparePartnerGrants(readGraphPolicy(supergraphSdl), loadPartnerFields(supergraphSdl, packages));
}
