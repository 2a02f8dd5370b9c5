import { createSubgraphStore } from "@grondslag/db";
import { after, createPolicyContext, createPolicySchema, getFact, loadSubgraphTypeDefs, oncePerFacts, PLATFORM_CONTROLLER, type MembershipFact } from "@grondslag/policy";
import { scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import { conditions } from "./conditions.ts";
import type { MobilityContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { mobilityCards, trips, type MobilityCardRow, type TripRow } from "./db/tables.ts";
import type { Resolvers } from "./generated/resolvers.ts";
import { MobilityCard } from "./resolvers/MobilityCard.ts";
import { Person } from "./resolvers/Person.ts";
import { createMutation, travellerOfTrip } from "./resolvers/Mutation.ts";
import { Trip } from "./resolvers/Trip.ts";

export const name = "mobility";
export const typeDefs = loadSubgraphTypeDefs(new URL("./schema.graphql", import.meta.url));

/** Builds the mobility subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, log, partnerFields }: SubgraphDeps): Subgraph<MobilityContext> {
  const { schema, prepareRootCalls } = createPolicySchema({
    typeDefs,
    partnerFields,
    resolvers: { ...scalarResolvers, Mutation: createMutation(database.db), Person, MobilityCard, Trip } satisfies Resolvers,
    // Whom each record is about, for rules such as `self` and `employer-of`.
    subjects: {
      Person: (person: { id: string }) => person.id,
      MobilityCard: (card: MobilityCardRow) => card.personId,
      Trip: (trip: TripRow) => trip.personId,
      "Mutation.confirmTrip": (_: unknown, args: { tripId: string }, context: MobilityContext) => travellerOfTrip(args.tripId, context),
    },
    // The platform controls cards and trips; the reimbursement report (`workTrips`) is also the
    // record of each current employer that orders it.
    controllers: {
      // At once when this request has the person's memberships (the list's look-ups read them together).
      Person: (person: { id: string }, _: unknown, { policy }: MobilityContext) => after(getFact(policy.lookups.membershipsOf, person.id), platformAndEmployers),
      MobilityCard: () => [PLATFORM_CONTROLLER],
      Trip: () => [PLATFORM_CONTROLLER],
      "Mutation.confirmTrip": () => [PLATFORM_CONTROLLER],
    },
    conditions,
    log,
  });
  return {
    name,
    typeDefs,
    schema,
    prepareExecution: prepareRootCalls,
    createContext: (caller, request) => ({ caller, loaders: createLoaders(database.db), policy: createPolicyContext(database.db, caller, new Date(), request) }),
    // A person may have trips without a card and cards without trips: either counts as data.
    ...createSubgraphStore(database, { name, migrationsFolder: new URL("../drizzle", import.meta.url), probes: [trips, mobilityCards], seed: seedDemoData }),
  };
}

/** A person's report controllers: the platform and each current employer, once per memberships a request read. */
const platformAndEmployers = oncePerFacts((memberships: readonly MembershipFact[]): readonly string[] =>
  Object.freeze([PLATFORM_CONTROLLER, ...memberships.filter((membership) => membership.role === "employee").map((membership) => membership.organisationId)]),
);

export * as tables from "./db/tables.ts";
