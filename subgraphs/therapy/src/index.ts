import { createSubgraphStore } from "@grondslag/db";
import { createPolicyContext, createPolicySchema, getToday, loadSubgraphTypeDefs } from "@grondslag/policy";
import { patientOfExerciseRow, practiceOfExercise, practiceOfProgram, practiceOfRelationship, practicesTreating } from "./controllersOf.ts";
import { scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { TherapyContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { practices, type CareRelationshipRow, type ComplianceEntryRow, type ExerciseProgramRow, type ExerciseRow, type TherapistRow } from "./db/tables.ts";
import type { Resolvers } from "./generated/resolvers.ts";
import { CareRelationship } from "./resolvers/CareRelationship.ts";
import { ComplianceEntry } from "./resolvers/ComplianceEntry.ts";
import { ExerciseProgram } from "./resolvers/ExerciseProgram.ts";
import { createMutation, patientOfExercise, patientOfRelationship } from "./resolvers/Mutation.ts";
import { Person } from "./resolvers/Person.ts";
import { Practice } from "./resolvers/Practice.ts";
import { Therapist } from "./resolvers/Therapist.ts";

export const name = "therapy";
export const typeDefs = loadSubgraphTypeDefs(new URL("./schema.graphql", import.meta.url));

/** Builds the therapy subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, log, partnerFields }: SubgraphDeps): Subgraph<TherapyContext> {
  const { schema, prepareRootCalls } = createPolicySchema({
    typeDefs,
    partnerFields,
    resolvers: {
      ...scalarResolvers,
      Mutation: createMutation(database.db),
      Person,
      Practice,
      Therapist,
      CareRelationship,
      ExerciseProgram,
      ComplianceEntry,
    } satisfies Resolvers,
    // Whom each record is about, for rules such as `self` and `care-team`: the patient, except
    // for a Therapist, which is about the therapist. An Exercise knows only its program.
    subjects: {
      Person: (person: { id: string }) => person.id,
      Therapist: (therapist: TherapistRow) => therapist.personId,
      CareRelationship: (relationship: CareRelationshipRow) => relationship.patientId,
      ExerciseProgram: (program: ExerciseProgramRow) => program.patientId,
      Exercise: (exercise: ExerciseRow, _: unknown, context: TherapyContext) => patientOfExerciseRow(exercise, context),
      ComplianceEntry: (entry: ComplianceEntryRow) => entry.patientId,
      "Mutation.recordCompliance": (_: unknown, args: { exerciseId: string }, context: TherapyContext) =>
        patientOfExercise(args.exerciseId, context),
      "Mutation.createExerciseProgram": (_: unknown, args: { careRelationshipId: string }, context: TherapyContext) => patientOfRelationship(args.careRelationshipId, context),
    },
    // Which practice controls each record: the practice of the care relationship it hangs off.
    // A Person here is the set of practices that treat them; its lists then show each caller
    // only the records of the practice they may read for.
    controllers: {
      Person: (person: { id: string }, _: unknown, context: TherapyContext) => practicesTreating(person.id, context),
      Therapist: (therapist: TherapistRow) => [therapist.practiceId],
      CareRelationship: (relationship: CareRelationshipRow, _: unknown, context: TherapyContext) => practiceOfRelationship(relationship.id, context),
      ExerciseProgram: (program: ExerciseProgramRow, _: unknown, context: TherapyContext) => practiceOfProgram(program.id, context),
      Exercise: (exercise: ExerciseRow, _: unknown, context: TherapyContext) => practiceOfProgram(exercise.programId, context),
      ComplianceEntry: (entry: ComplianceEntryRow, _: unknown, context: TherapyContext) => practiceOfExercise(entry.exerciseId, context),
      "Mutation.recordCompliance": (_: unknown, args: { exerciseId: string }, context: TherapyContext) => practiceOfExercise(args.exerciseId, context),
      "Mutation.createExerciseProgram": (_: unknown, args: { careRelationshipId: string }, context: TherapyContext) => practiceOfRelationship(args.careRelationshipId, context),
    },
    log,
  });
  return {
    name,
    typeDefs,
    schema,
    prepareExecution: prepareRootCalls,
    createContext: (caller, request) => {
      const now = new Date();
      return { caller, loaders: createLoaders(database.db), today: getToday(now), policy: createPolicyContext(database.db, caller, now, request) };
    },
    // Every therapy row hangs off a practice through foreign keys, so practices alone tell.
    ...createSubgraphStore(database, { name, migrationsFolder: new URL("../drizzle", import.meta.url), probes: [practices], seed: seedDemoData }),
  };
}

export * as tables from "./db/tables.ts";
