import DataLoader from "dataloader";
import type { CareFact, Instruction, MembershipFact, OpenCase, PolicyLookups, StaffAccess } from "./createPolicyLookups.ts";

/** Policy facts written out by person id, for a subgraph's tests that run without the other subgraphs. */
export interface StaticPolicyFacts {
  careRelationships?: Record<string, CareFact[]>;
  memberships?: Record<string, MembershipFact[]>;
  consents?: Record<string, string[]>;
  instructions?: Record<string, Instruction[]>;
  openCases?: Record<string, OpenCase[]>;
  /** Receives the staff reads and writes the rules record. */
  recorded?: StaffAccess[];
}

/**
 * The same look-ups as `createPolicyLookups`, answered from the facts given instead of the
 * published views: a subgraph's own tests state the other subgraphs' facts they rely on, rather
 * than depending on which test file migrated those subgraphs first. A person not named has none.
 */
export function createStaticPolicyLookups(facts: StaticPolicyFacts = {}): PolicyLookups {
  const byPerson = <T>(table: Record<string, T[]> | undefined) => new DataLoader<string, T[]>(async (ids) => ids.map((id) => table?.[id] ?? []));
  return {
    careRelationshipsOf: byPerson(facts.careRelationships),
    membershipsOf: byPerson(facts.memberships),
    consentsOf: new DataLoader<string, Set<string>>(async (ids) => ids.map((id) => new Set(facts.consents?.[id] ?? []))),
    instructionsFor: byPerson(facts.instructions),
    openCasesOf: byPerson(facts.openCases),
    recordStaffAccess: new DataLoader<StaffAccess, true, string>(async (accesses) => {
      facts.recorded?.push(...accesses);
      return accesses.map(() => true as const);
    }),
  } as PolicyLookups;
}
