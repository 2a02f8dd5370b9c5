import { createSubgraphStore } from "@grondslag/db";
import { createPolicyContext, createPolicySchema, loadSubgraphTypeDefs, PLATFORM_CONTROLLER } from "@grondslag/policy";
import { scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { ConsentContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { purposes, type ConsentRecordRow, type DisclosureRow, type InstructedReadRow, type SupportCaseRow } from "./db/tables.ts";
import type { Resolvers } from "./generated/resolvers.ts";
import { readFieldPolicyRegister } from "./readFieldPolicyRegister.ts";
import { ConsentPurpose } from "./resolvers/ConsentPurpose.ts";
import { ConsentRecord } from "./resolvers/ConsentRecord.ts";
import { Disclosure } from "./resolvers/Disclosure.ts";
import { InstructedRead } from "./resolvers/InstructedRead.ts";
import { personOfCase } from "./resolvers/createSupportCaseMutation.ts";
import { SupportCase } from "./resolvers/SupportCase.ts";
import { conditions } from "./conditions.ts";
import { createMutation } from "./resolvers/Mutation.ts";
import { Person } from "./resolvers/Person.ts";
import { createQuery } from "./resolvers/Query.ts";

export const name = "consent";
export const typeDefs = loadSubgraphTypeDefs(new URL("./schema.graphql", import.meta.url));

export interface ConsentDeps extends SubgraphDeps {
  /** The clock consent expiry is read against, once per request. Default: the system clock. */
  now?: () => Date;
}

/** Builds the consent subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, log, supergraphSdl, partnerFields, now = () => new Date() }: ConsentDeps): Subgraph<ConsentContext> {
  // The register of processing: read once, at start, from the composed graph's declarations.
  const fieldPolicies = readFieldPolicyRegister(supergraphSdl, partnerFields);
  const { schema, prepareRootCalls } = createPolicySchema({
    typeDefs,
    partnerFields,
    resolvers: {
      ...scalarResolvers,
      Query: createQuery(database.db, fieldPolicies),
      Mutation: createMutation(database.db),
      Person,
      ConsentPurpose,
      ConsentRecord,
      Disclosure,
      InstructedRead,
      SupportCase,
    } satisfies Resolvers,
    // Whom each record is about, for rules such as `self`.
    subjects: {
      Person: (person: { id: string }) => person.id,
      ConsentRecord: (record: ConsentRecordRow) => record.personId,
      InstructedRead: (read: InstructedReadRow) => read.personId,
      "Mutation.giveConsent": (_: unknown, args: { personId: string }) => args.personId,
      "Mutation.withdrawConsent": (_: unknown, args: { personId: string }) => args.personId,
      Disclosure: (disclosure: DisclosureRow) => disclosure.personId,
      // The person the send was about; null for an unknown reference, which a `self` would deny.
      "Mutation.recordPartnerStatus": async (_: unknown, args: { partner: string; reference: string }, { loaders }: ConsentContext) =>
        (await loaders.disclosureByReference.load({ partner: args.partner, reference: args.reference }))?.personId ?? null,
      SupportCase: (supportCase: SupportCaseRow) => supportCase.personId,
      "Mutation.openSupportCase": (_: unknown, args: { personId: string }) => args.personId,
      "Mutation.closeSupportCase": (_: unknown, args: { caseId: string }, context: ConsentContext) => personOfCase(args.caseId, context),
    },
    // The platform keeps the consent records, the logs and the cases: it controls all of them.
    controllers: Object.fromEntries(
      [
        "Person", "ConsentRecord", "InstructedRead", "Disclosure", "SupportCase", "Mutation.giveConsent", "Mutation.withdrawConsent",
        "Mutation.recordPartnerStatus", "Mutation.openSupportCase", "Mutation.closeSupportCase",
      ].map((type) => [type, () => [PLATFORM_CONTROLLER]]),
    ),
    conditions,
    log,
  });
  return {
    name,
    typeDefs,
    schema,
    prepareExecution: prepareRootCalls,
    createContext: (caller, request) => {
      const at = now();
      return { caller, loaders: createLoaders(database.db), now: at, policy: createPolicyContext(database.db, caller, at, request) };
    },
    // Every consent record references a purpose, so an empty catalogue means an empty store.
    ...createSubgraphStore(database, { name, migrationsFolder: new URL("../drizzle", import.meta.url), probes: [purposes], seed: seedDemoData }),
  };
}

export * as tables from "./db/tables.ts";
