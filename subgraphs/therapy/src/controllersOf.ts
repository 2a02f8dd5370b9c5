import { after, getFact, oncePerFacts, type CareFact } from "@grondslag/policy";
import type { TherapyContext } from "./context.ts";

// Which practice controls a therapy record: the practice of the therapist of the care
// relationship it belongs to. Each is a per-request DataLoader over one join (createLoaders.ts),
// so a list of N records costs one query, not N, and records of the same program share one
// answer. An unknown id is controlled by nobody (an empty list). Where the request already has
// the answer (a list's programs come with their practice, its exercises are primed), it is
// given at once: the list is then decided without waiting a turn per record.

export const practiceOfRelationship = (relationshipId: string, { loaders }: TherapyContext): Promise<readonly string[]> =>
  loaders.practiceOfRelationship.load(relationshipId);

export const practiceOfProgram = (programId: string, { loaders }: TherapyContext): readonly string[] | Promise<readonly string[]> =>
  loaders.practiceOfProgram.peek(programId) ?? loaders.practiceOfProgram.load(programId);

export function practiceOfExercise(exerciseId: string, { loaders }: TherapyContext): readonly string[] | Promise<readonly string[]> {
  const exercise = loaders.exercise.peek(exerciseId);
  return (exercise && loaders.practiceOfProgram.peek(exercise.programId)) ?? loaders.practiceOfExercise.load(exerciseId);
}

/** Whom an exercise is about: its program's patient, at once when the request has the program. */
export function patientOfExerciseRow(exercise: { programId: string }, { loaders }: TherapyContext): string | undefined | Promise<string | undefined> {
  return loaders.program.peek(exercise.programId)?.patientId ?? loaders.program.load(exercise.programId).then((program) => program?.patientId);
}

/** The practices with a care relationship with the person: the controllers of their therapy records. */
export function practicesTreating(personId: string, { policy }: TherapyContext): readonly string[] | Promise<readonly string[]> {
  return after(getFact(policy.lookups.careRelationshipsOf, personId), practicesOf);
}

/** The practices of a person's care relationships, once per care relationships a request read. */
const practicesOf = oncePerFacts((cares: readonly CareFact[]): readonly string[] => Object.freeze([...new Set(cares.map((care) => care.practiceId))]));
