import type { Dataset } from "./generateDataset.ts";
import type { Answer, Operation } from "./operations.ts";

/** Calls one subgraph as the gateway does: POST with the caller it forwards, signed with the gateway's key. */
export type SubgraphCall = (subgraph: string, query: string, variables?: Record<string, unknown>) => Promise<Answer>;

const ENTITIES = /* GraphQL */ `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id SELECTION } } }`;
const PROGRAMS = /* GraphQL */ `carePrograms { id title exercises { id name sets repetitions } compliance(first: 5) { nodes { id performedOn done painScore } } }`;

function data(answer: Answer, subgraph: string): Record<string, unknown> {
  if (answer.errors?.length || !answer.data) throw new Error(`${subgraph}: ${JSON.stringify(answer.errors ?? "no data").slice(0, 300)}`);
  return answer.data;
}

/** Each person's entity from one subgraph, in the order asked. */
async function entities(call: SubgraphCall, subgraph: string, ids: string[], selection: string): Promise<Record<string, unknown>[]> {
  const representations = ids.map((id) => ({ __typename: "Person", id }));
  return data(await call(subgraph, ENTITIES.replace("SELECTION", selection), { representations }), subgraph)._entities as Record<string, unknown>[];
}

/**
 * The same operations without the gateway: the fetches its query plan makes, written out (the
 * root field in identity, where `Query.person` is checked, then one entity fetch per subgraph
 * for all the list's persons), answered in the gateway's shape so the same check applies.
 */
export function directFetches(operation: Operation, dataset: Dataset): ((call: SubgraphCall) => Promise<Answer>) | undefined {
  if (operation.name === "patient home") {
    return async (call) => {
      const me = data(await call("identity", `{ me { __typename id givenName familyName email } }`), "identity").me as Record<string, unknown>;
      const [therapy, mobility] = await Promise.all([
        entities(call, "therapy", [me.id as string], `${PROGRAMS} careRelationships { id active therapist { profession practice { name } } }`),
        entities(call, "mobility", [me.id as string], `trips(first: 10) { nodes { id startedAt distanceKm mode } }`),
      ]);
      return { data: { me: { ...me, ...therapy[0], ...mobility[0] } } };
    };
  }
  const therapist = /^therapist (\d+) patients$/.exec(operation.name);
  const employer = /^employer (\d+) employees$/.exec(operation.name);
  const ids = therapist ? dataset.therapist.patients.slice(0, Number(therapist[1])) : employer ? dataset.employer.employees.slice(0, Number(employer[1])) : undefined;
  if (!ids) return undefined;
  const alias = therapist ? "p" : "e";
  const rootSelection = therapist ? "__typename id" : "__typename id memberships { id employeeNumber organisation { id name } }";
  const [subgraph, selection] = therapist
    ? ["therapy", PROGRAMS]
    : ["mobility", `workTrips(first: 20) { nodes { id startedAt endedAt distanceKm purpose } }`];
  const root = `{ ${ids.map((id, index) => `${alias}${index}: person(id: "${id}") { ${rootSelection} }`).join(" ")} }`;
  return async (call) => {
    const persons = data(await call("identity", root), "identity");
    const extended = await entities(call, subgraph, ids, selection);
    return { data: Object.fromEntries(ids.map((_, index) => [`${alias}${index}`, { ...(persons[`${alias}${index}`] as object), ...extended[index] }])) };
  };
}

/** A subgraph caller for one request: `token` is the caller forwarded for it (the gateway signs one per request; it lives 60 s). */
export function createSubgraphCall(subgraphUrls: Record<string, string>, token: string): SubgraphCall {
  return async (subgraph, query, variables) => {
    const response = await fetch(subgraphUrls[subgraph]!, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    if (response.status !== 200) throw new Error(`${subgraph}: HTTP ${response.status}`);
    return (await response.json()) as Answer;
  };
}
