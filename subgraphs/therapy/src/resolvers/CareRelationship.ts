import type { TherapyContext } from "../context.ts";
import type { CareRelationshipRow } from "../db/tables.ts";
import type { CareRelationshipResolvers } from "../generated/resolvers.ts";

export const CareRelationship = {
  therapist: (relationship: CareRelationshipRow, _: unknown, { loaders }: TherapyContext) =>
    loaders.therapist.load(relationship.therapistId),
  patient: (relationship: CareRelationshipRow) => ({ id: relationship.patientId }),
  // ISO dates compare correctly as strings. A relationship ending today has ended.
  active: (relationship: CareRelationshipRow, _: unknown, { today }: TherapyContext) =>
    relationship.endedOn === null || relationship.endedOn > today,
} satisfies CareRelationshipResolvers;
