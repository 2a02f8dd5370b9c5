import type { TherapyContext } from "./context.ts";

// Which practice controls a therapy record: the practice of the therapist of the care
// relationship it belongs to. Each step is a per-request DataLoader, so a list of N records
// costs one query per step, not N. An unknown id is controlled by nobody (an empty list).

export async function practiceOfRelationship(relationshipId: string, { loaders }: TherapyContext): Promise<string[]> {
  const relationship = await loaders.careRelationship.load(relationshipId);
  const therapist = relationship && (await loaders.therapist.load(relationship.therapistId));
  return therapist ? [therapist.practiceId] : [];
}

export async function practiceOfProgram(programId: string, context: TherapyContext): Promise<string[]> {
  const program = await context.loaders.program.load(programId);
  return program ? practiceOfRelationship(program.careRelationshipId, context) : [];
}

export async function practiceOfExercise(exerciseId: string, context: TherapyContext): Promise<string[]> {
  const exercise = await context.loaders.exercise.load(exerciseId);
  return exercise ? practiceOfProgram(exercise.programId, context) : [];
}

/** The practices with a care relationship with the person: the controllers of their therapy records. */
export async function practicesTreating(personId: string, { policy }: TherapyContext): Promise<string[]> {
  return [...new Set((await policy.lookups.careRelationshipsOf.load(personId)).map((care) => care.practiceId))];
}
