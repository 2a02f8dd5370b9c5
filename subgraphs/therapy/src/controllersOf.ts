import type { TherapyContext } from "./context.ts";

// Which practice controls a therapy record: the practice of the therapist of the care
// relationship it belongs to. Each is a per-request DataLoader over one join (createLoaders.ts),
// so a list of N records costs one query, not N, and records of the same program share one
// answer. An unknown id is controlled by nobody (an empty list).

export const practiceOfRelationship = (relationshipId: string, { loaders }: TherapyContext): Promise<readonly string[]> =>
  loaders.practiceOfRelationship.load(relationshipId);

export const practiceOfProgram = (programId: string, { loaders }: TherapyContext): Promise<readonly string[]> => loaders.practiceOfProgram.load(programId);

export const practiceOfExercise = (exerciseId: string, { loaders }: TherapyContext): Promise<readonly string[]> => loaders.practiceOfExercise.load(exerciseId);

/** The practices with a care relationship with the person: the controllers of their therapy records. */
export async function practicesTreating(personId: string, { policy }: TherapyContext): Promise<string[]> {
  return [...new Set((await policy.lookups.careRelationshipsOf.load(personId)).map((care) => care.practiceId))];
}
