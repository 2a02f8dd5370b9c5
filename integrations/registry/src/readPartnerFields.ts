import { fieldCoordinates, type PartnerPackage } from "@grondslag/integration-common";
import type { PartnerFieldGrant } from "@grondslag/policy";
import { buildASTSchema, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from "graphql";

/**
 * Every field the registered partners' declared operations select, with the declaration that
 * selects it: the one list the policy (`partner:<name>` holds only here), the composition
 * check and the auditor's register all read.
 */
export function readPartnerFields(graph: GraphQLSchema | string, packages: readonly Pick<PartnerPackage, "partner" | "declarations">[]): PartnerFieldGrant[] {
  const schema = typeof graph === "string" ? buildASTSchema(parse(graph), { assumeValidSDL: true }) : graph;
  const grants: PartnerFieldGrant[] = [];
  for (const partnerPackage of packages) {
    for (const declaration of partnerPackage.declarations) {
      if (declaration.partner !== partnerPackage.partner) {
        throw new Error(`The ${partnerPackage.partner} package declares a field set for ${declaration.partner}: a package declares only its own partner's.`);
      }
      const operation = parse(declaration.fieldSet).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
      const { selected } = fieldCoordinates(declaration.fieldSet, schema);
      for (const coordinate of selected) {
        grants.push({
          coordinate,
          partner: declaration.partner,
          purpose: declaration.purpose,
          legalRole: declaration.legalRole,
          basis: declaration.basis,
          operation: operation?.name?.value ?? "(anonymous)",
        });
      }
    }
  }
  return grants;
}
