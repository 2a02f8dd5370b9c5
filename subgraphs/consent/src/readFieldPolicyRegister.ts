import { readGraphPolicy, type GraphFieldPolicy, type PartnerFieldGrant } from "@grondslag/policy";

/** One row of the register of processing, as `FieldPolicy` answers it. */
export interface FieldPolicyEntry {
  coordinate: string;
  type: string;
  field: string;
  subgraphs: string[];
  personal: boolean;
  category: string | null;
  basis: string | null;
  controller: string | null;
  purpose: string | null;
  retention: string | null;
  retentionFrom: string | null;
  read: string | null;
  write: string | null;
  writes: string[] | null;
  partners: GraphFieldPolicy["partners"];
}

/**
 * The declared policy of every field of the composed graph, ordered by coordinate: the same
 * reading of the supergraph as `pnpm policy:json`. Empty without a supergraph.
 */
export function readFieldPolicyRegister(supergraphSdl: string | undefined, partnerFields: readonly PartnerFieldGrant[] = []): FieldPolicyEntry[] {
  if (!supergraphSdl) return [];
  return readGraphPolicy(supergraphSdl, partnerFields).map((policy) => {
    const [type = "", field = ""] = policy.coordinate.split(".");
    return {
      coordinate: policy.coordinate,
      type,
      field,
      subgraphs: policy.subgraphs,
      personal: policy.personal,
      category: policy.category,
      basis: policy.basis,
      controller: policy.controller,
      purpose: policy.purpose,
      retention: policy.retention?.keep ?? null,
      retentionFrom: policy.retention?.from ?? null,
      read: policy.readPolicy,
      write: policy.writePolicy,
      writes: policy.writes,
      partners: policy.partners,
    };
  });
}
