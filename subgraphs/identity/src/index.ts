import { createSubgraphStore } from "@grondslag/db";
import { createPolicyContext, createPolicySchema, loadSubgraphTypeDefs, PLATFORM_CONTROLLER } from "@grondslag/policy";
import { scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { IdentityContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { persons, type MembershipRow } from "./db/tables.ts";
import type { Resolvers } from "./generated/resolvers.ts";
import { Membership } from "./resolvers/Membership.ts";
import { createMutation } from "./resolvers/Mutation.ts";
import { Organisation } from "./resolvers/Organisation.ts";
import { Person } from "./resolvers/Person.ts";
import { Query } from "./resolvers/Query.ts";
import { createSecondFactorMutation } from "./resolvers/secondFactorMutations.ts";
import type { SecondFactorChallenge, SecondFactorStatus } from "./secondFactor/secondFactorStatus.ts";

export const name = "identity";
const platform = () => [PLATFORM_CONTROLLER];
export const typeDefs = loadSubgraphTypeDefs(new URL("./schema.graphql", import.meta.url));

export interface IdentityDeps extends SubgraphDeps {
  /** The clock one-time codes expire and are rate-limited against. Default: the system clock. */
  now?: () => Date;
}

/** Builds the identity subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, log, services, partnerFields, now = () => new Date() }: IdentityDeps): Subgraph<IdentityContext> {
  const Mutation = { ...createMutation(database.db), ...createSecondFactorMutation({ db: database.db, services, log, now }) };
  const { schema, prepareRootCalls } = createPolicySchema({
    typeDefs,
    partnerFields,
    resolvers: { ...scalarResolvers, Query, Mutation, Person, Organisation, Membership } satisfies Resolvers,
    // Whom each record is about, for rules such as `self` and `employer-of`.
    subjects: {
      Person: (person: { id: string }) => person.id,
      PostalAddress: (address: { personId: string }) => address.personId,
      Membership: (membership: MembershipRow) => membership.personId,
      SecondFactorStatus: (status: SecondFactorStatus) => status.personId,
      SecondFactorChallenge: (challenge: SecondFactorChallenge) => challenge.personId,
      SecondFactorSession: (session: { personId: string }) => session.personId,
      "Query.person": (_: unknown, args: { id: string }) => args.id,
      "Mutation.updateContactDetails": (_: unknown, args: { personId: string }) => args.personId,
      // The second-factor mutations act on the caller, whoever it is.
      "Mutation.startPhoneEnrolment": (_: unknown, __: unknown, context: IdentityContext) => context.caller?.personId,
      "Mutation.confirmPhoneEnrolment": (_: unknown, __: unknown, context: IdentityContext) => context.caller?.personId,
      "Mutation.startSecondFactorLogin": (_: unknown, __: unknown, context: IdentityContext) => context.caller?.personId,
      "Mutation.completeSecondFactorLogin": (_: unknown, __: unknown, context: IdentityContext) => context.caller?.personId,
    },
    // Which organisation controls each record: the platform keeps the person's account; a
    // membership is its organisation's record of employment.
    controllers: {
      Person: platform,
      PostalAddress: platform,
      Membership: (membership: MembershipRow) => [membership.organisationId],
      SecondFactorStatus: platform,
      SecondFactorChallenge: platform,
      SecondFactorSession: platform,
      "Mutation.updateContactDetails": platform,
      "Mutation.startPhoneEnrolment": platform,
      "Mutation.confirmPhoneEnrolment": platform,
      "Mutation.startSecondFactorLogin": platform,
      "Mutation.completeSecondFactorLogin": platform,
    },
    log,
  });
  return {
    name,
    typeDefs,
    schema,
    prepareExecution: prepareRootCalls,
    createContext: (caller, request) => ({ caller, loaders: createLoaders(database.db), policy: createPolicyContext(database.db, caller, new Date(), request) }),
    ...createSubgraphStore(database, { name, migrationsFolder: new URL("../drizzle", import.meta.url), probes: [persons], seed: seedDemoData }),
  };
}

export * as tables from "./db/tables.ts";
