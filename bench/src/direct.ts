import type { Dataset } from "./generateDataset.ts";
import type { Answer, Operation } from "./operations.ts";

/** Calls one subgraph as the gateway does: POST with the caller it forwards, signed with the gateway's key. */
export type SubgraphCall = (subgraph: string, query: string, variables?: Record<string, unknown>) => Promise<Answer>;
/** Several operations to one subgraph in one POST, a GraphQL batch, as the gateway sends one request's fetches (`batchSubgraphFetches`). */
export type SubgraphBatch = (subgraph: string, operations: readonly { query: string; variables: Record<string, unknown>; operationName: string }[]) => Promise<Answer[]>;

const entitiesQuery = (name: string, selection: string) => /* GraphQL */ `query ${name}($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { SELECTION } } }`.replace("SELECTION", selection);
const PROGRAMS = /* GraphQL */ `carePrograms { id title exercises { id name sets repetitions } compliance(first: 5) { nodes { id performedOn done painScore } } }`;

function data(answer: Answer, subgraph: string): Record<string, unknown> {
  if (answer.errors?.length || !answer.data) throw new Error(`${subgraph}: ${JSON.stringify(answer.errors ?? "no data").slice(0, 300)}`);
  return answer.data;
}

/** One person's entity from one subgraph. */
async function entity(call: SubgraphCall, subgraph: string, name: string, id: string, selection: string): Promise<Record<string, unknown>> {
  const answer = await call(subgraph, entitiesQuery(name, selection), { representations: [{ __typename: "Person", id }] });
  return (data(answer, subgraph)._entities as Record<string, unknown>[])[0]!;
}

/**
 * Each person's entity from one subgraph as the query plan fetches them: the planner gives every
 * alias of the root field its own entity fetch (`<operation>__<subgraph>__<n>`, one representation
 * each), and the gateway sends a request's fetches to one subgraph as one batch.
 */
async function plannedEntities(batch: SubgraphBatch, subgraph: string, operationName: string, ids: readonly string[], selection: string): Promise<Record<string, unknown>[]> {
  const operations = ids.map((id, index) => {
    const name = `${operationName}__${subgraph}__${index + 1}`;
    return { query: entitiesQuery(name, selection), variables: { representations: [{ __typename: "Person", id }] }, operationName: name };
  });
  const answers = await batch(subgraph, operations);
  return answers.map((answer) => (data(answer, subgraph)._entities as Record<string, unknown>[])[0]!);
}

/**
 * The same operations without the gateway: the fetches its query plan makes, written out (the
 * root field in identity, where `Query.person` is checked, then each alias's entity fetch, sent
 * to the subgraph in one batch as the gateway sends them), answered in the gateway's shape so the
 * same check applies.
 */
export function directFetches(operation: Operation, dataset: Dataset): ((call: SubgraphCall, batch: SubgraphBatch) => Promise<Answer>) | undefined {
  if (operation.name === "patient home") {
    return async (call) => {
      const me = data(await call("identity", `query PatientHome__identity__0 { me { __typename id givenName familyName email } }`), "identity").me as Record<string, unknown>;
      const [therapy, mobility] = await Promise.all([
        entity(call, "therapy", "PatientHome__therapy__1", me.id as string, `${PROGRAMS} careRelationships { id active therapist { profession practice { name } } }`),
        entity(call, "mobility", "PatientHome__mobility__2", me.id as string, `trips(first: 10) { nodes { id startedAt distanceKm mode } }`),
      ]);
      return { data: { me: { ...me, ...therapy, ...mobility } } };
    };
  }
  const therapist = /^therapist (\d+) patients$/.exec(operation.name);
  const employer = /^employer (\d+) employees$/.exec(operation.name);
  const ids = therapist ? dataset.therapist.patients.slice(0, Number(therapist[1])) : employer ? dataset.employer.employees.slice(0, Number(employer[1])) : undefined;
  if (!ids) return undefined;
  const alias = therapist ? "p" : "e";
  const operationName = therapist ? "TherapistPatients" : "EmployerOverview";
  const rootSelection = therapist ? "__typename id" : "__typename id memberships { id employeeNumber organisation { id name } }";
  const [subgraph, selection] = therapist
    ? ["therapy", PROGRAMS]
    : ["mobility", `workTrips(first: 20) { nodes { id startedAt endedAt distanceKm purpose } }`];
  const root = `query ${operationName}__identity__0 { ${ids.map((id, index) => `${alias}${index}: person(id: "${id}") { ${rootSelection} }`).join(" ")} }`;
  return async (call, batch) => {
    const persons = data(await call("identity", root), "identity");
    const extended = await plannedEntities(batch, subgraph, operationName, ids, selection);
    return { data: Object.fromEntries(ids.map((_, index) => [`${alias}${index}`, { ...(persons[`${alias}${index}`] as object), ...extended[index] }])) };
  };
}

/** A subgraph caller for one request: `token` is the caller forwarded for it (the gateway signs one per request; it lives 60 s). */
export function createSubgraphCall(subgraphUrls: Record<string, string>, token: string): [SubgraphCall, SubgraphBatch] {
  const send = async (subgraph: string, body: unknown): Promise<unknown> => {
    const response = await fetch(subgraphUrls[subgraph]!, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${subgraph}: HTTP ${response.status}`);
    return response.json();
  };
  const call: SubgraphCall = async (subgraph, query, variables) => (await send(subgraph, { query, variables })) as Answer;
  const batch: SubgraphBatch = async (subgraph, operations) => {
    const answers = await send(subgraph, operations);
    if (!Array.isArray(answers) || answers.length !== operations.length) throw new Error(`${subgraph}: the batch of ${operations.length} was answered with ${JSON.stringify(answers).slice(0, 200)}`);
    return answers as Answer[];
  };
  return [call, batch];
}
