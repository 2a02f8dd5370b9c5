import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { buildSchema, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { ARMOR_RULES, createOperationScreen, type OperationLimits } from "./screenOperation.ts";

let schema: GraphQLSchema;
beforeAll(async () => {
  const supergraphSdl = readFileSync(new URL("../../schema/supergraph/supergraph.graphql", import.meta.url), "utf8");
  const gateway = new ApolloGateway({ supergraphSdl });
  schema = (await gateway.load()).schema;
  await gateway.stop();
});

/** One screening by a new screen: nothing kept from another. */
const screenOperation = (schema: GraphQLSchema, query: string, request: { variables?: Record<string, unknown> }, limits: OperationLimits = {}) =>
  createOperationScreen(limits)(schema, query, request);
const code = (query: string, variables?: Record<string, unknown>) => screenOperation(schema, query, { variables })?.code;

/** `me { memberships { person { careRelationships { patient { … } } } } }`, `levels` times. */
function nested(levels: number, leaf = "givenName"): string {
  let inner = leaf;
  for (let i = 0; i < levels; i++) inner = `memberships { person { careRelationships { patient { ${inner} } } } }`;
  return `{ me { ${inner} } }`;
}

describe("the operation limits", () => {
  it("lets an ordinary query through", () => {
    expect(code(`{ me { givenName carePrograms { title } trips { purpose distanceKm } consents { purpose { id } state } } }`)).toBeUndefined();
  });

  it("leaves syntax errors and unknown fields to Apollo's validation", () => {
    expect(code(`{ me { givenName `)).toBeUndefined();
    expect(code(`{ nothingHere { x } }`)).toBeUndefined();
  });

  it("refuses too many tokens without parsing the rest", () => {
    expect(code(`{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: __typename`).join(" ")} }`)).toBe("TOO_MANY_TOKENS");
  });

  it("refuses too many root fields, counted through fragments", () => {
    expect(code(`{ ${Array.from({ length: 21 }, (_, i) => `a${i}: me { id }`).join(" ")} }`)).toBe("TOO_MANY_ROOT_FIELDS");
    expect(code(`{ ...Q ...Q } fragment Q on Query { ${Array.from({ length: 11 }, (_, i) => `a${i}: me { id }`).join(" ")} }`)).toBe("TOO_MANY_ROOT_FIELDS");
    expect(code(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(" ")} __typename }`)).toBeUndefined();
  });

  it("refuses fragment fan-out by its expanded size, counting in linear time", () => {
    const levels = 40; // 5^40 selections expanded: counted by memo, not by walking them
    const fragments = Array.from({ length: levels }, (_, i) =>
      `fragment F${i} on Person { givenName ${i + 1 < levels ? `...F${i + 1} `.repeat(5) : ""}}`,
    ).join("\n");
    const started = performance.now();
    expect(code(`{ me { ...F0 } } ${fragments}`)).toBe("SELECTION_TOO_LARGE");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("refuses the issue's shape: fragments of aliased memberships reaching across subgraphs", () => {
    const fragments = Array.from({ length: 6 }, (_, i) => {
      const next = i < 5 ? `...F${i + 1}` : "givenName";
      const aliases = Array.from({ length: 5 }, (_, a) => `m${a}: memberships { person { careRelationships { patient { ${next} } } } }`).join(" ");
      return `fragment F${i} on Person { ${aliases} }`;
    }).join("\n");
    expect(code(`{ me { ...F0 } } ${fragments}`)).toBe("SELECTION_TOO_LARGE");
  });

  it("refuses too many aliases", () => {
    expect(code(`{ me { ${Array.from({ length: 31 }, (_, i) => `a${i}: givenName`).join(" ")} } }`)).toBe("TOO_MANY_ALIASES");
  });

  it("refuses depth beyond the limit, fragments adding no level", () => {
    const code = (query: string) => screenOperation(schema, query, {}, { maxCost: 1e9 })?.code;
    expect(code(nested(2))).toBeUndefined(); // depth 10
    expect(code(`{ me { ...P } } fragment P on Person { memberships { person { careRelationships { patient { memberships { person { careRelationships { patient { givenName } } } } } } } } }`)).toBeUndefined();
    expect(code(nested(2, "memberships { id }"))).toBe("QUERY_TOO_DEEP"); // depth 11
  });

  it("refuses an estimated cost beyond the limit, reading list sizes from `first`", () => {
    const wide = `{ me { memberships { person { careRelationships { patient { memberships { person { careRelationships { id } } } } } } } } }`;
    expect(code(wide)).toBe("QUERY_TOO_COSTLY"); // 20^4 lists of the default size
    const limits = { defaultListSize: 2 };
    expect(screenOperation(schema, wide, {}, limits)).toBeUndefined();
    const withFirst = `query($n: Int) { me { memberships(first: $n) { person { careRelationships(first: 100) { patient { memberships(first: 100) { id } } } } } } }`;
    expect(screenOperation(schema, withFirst, { variables: { n: 1 } }, limits)).toBeUndefined();
    expect(screenOperation(schema, withFirst, { variables: { n: 100 } }, limits)?.code).toBe("QUERY_TOO_COSTLY");
  });
});

describe("the cost of pages", () => {
  // Care relationships (20 by default) × their practice's therapists (20) × a page of each one's trips.
  const pages = `query($n: Int) { me { careRelationships { therapist { practice { therapists { person { trips(first: $n) { nodes { id startPlace endPlace distanceKm mode purpose costCents } } } } } } } } }`;

  it("reads a page's size from its `first`: its nodes and edges are that long, not the default", () => {
    expect(code(pages, { n: 1 })).toBeUndefined();
    expect(code(pages, { n: 100 })).toBe("QUERY_TOO_COSTLY");
    // Without `first`, a page holds the default size (20), as a list does.
    const byDefault = screenOperation(schema, pages.replace("(first: $n)", ""), {}, { maxCost: 1e9 });
    expect(byDefault).toBeUndefined();
    expect(code(pages.replace("(first: $n)", ""))).toBe("QUERY_TOO_COSTLY");
  });

  it("reads a variable the request leaves out as its declared default, as graphql-js will", () => {
    // Found probing as an attacker: `$n: Int = 100`, sent without variables, was measured as 20.
    const defaulted = (size: number) => pages.replace("query($n: Int)", `query($n: Int = ${size})`);
    expect(code(defaulted(100))).toBe("QUERY_TOO_COSTLY");
    expect(code(defaulted(100), {})).toBe("QUERY_TOO_COSTLY");
    expect(code(defaulted(1))).toBeUndefined();
    // A value sent wins over the default, as in execution.
    expect(code(defaulted(100), { n: 1 })).toBeUndefined();
  });

  it("gives a page's size to its lists through fragments too, each page its own", () => {
    const spread = `query($n: Int, $m: Int) { me { careRelationships { therapist { practice { therapists { person { small: trips(first: $n) { ...T } large: trips(first: $m) { ...T } } } } } } } } fragment T on TripConnection { nodes { id startPlace endPlace distanceKm mode purpose costCents } edges { cursor } }`;
    expect(code(spread, { n: 1, m: 1 })).toBeUndefined();
    expect(code(spread, { n: 1, m: 100 })).toBe("QUERY_TOO_COSTLY");
    expect(code(spread, { n: 100, m: 1 })).toBe("QUERY_TOO_COSTLY");
  });
});

// The gateway keeps what depends on an operation's text alone; each request's variables are still
// measured, and every refusal is the same the second time as the first.
describe("createOperationScreen", () => {
  const aliased = `{ me { ${Array.from({ length: 31 }, (_, i) => `a${i}: givenName`).join(" ")} } }`;
  const deep = nested(2, "memberships { id }");

  it("refuses and lets through as a new screen does, the first time and from what it kept", () => {
    const screen = createOperationScreen({ maxCost: 1e9 });
    for (let time = 0; time < 2; time += 1) {
      expect(screen(schema, aliased, {})?.code).toBe("TOO_MANY_ALIASES");
      expect(screen(schema, deep, {})?.code).toBe("QUERY_TOO_DEEP");
      expect(screen(schema, nested(2), {})).toBeUndefined();
      expect(screen(schema, `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: me { id }`).join(" ")} }`, {})?.code).toBe("TOO_MANY_ROOT_FIELDS");
      expect(screen(schema, `{ me { givenName `, {})).toBeUndefined();
    }
  });

  it("measures each request's variables, whatever an earlier request sent with the same text", () => {
    const screen = createOperationScreen({ defaultListSize: 2 });
    const withFirst = `query($n: Int) { me { memberships(first: $n) { person { careRelationships(first: 100) { patient { memberships(first: 100) { id } } } } } } }`;
    expect(screen(schema, withFirst, { variables: { n: 1 } })).toBeUndefined();
    expect(screen(schema, withFirst, { variables: { n: 100 } })?.code).toBe("QUERY_TOO_COSTLY");
    expect(screen(schema, withFirst, { variables: { n: 1 } })).toBeUndefined();
  });

  it("answers alike when what it keeps is full and the oldest texts are dropped", () => {
    const screen = createOperationScreen({}, 3);
    // Fifteen texts of 19,000 characters: more than the characters it keeps in all, and than three.
    const padded = (index: number) => `{ me { givenName } }${" ".repeat(19_000)}# ${index}`;
    expect(screen(schema, aliased, {})?.code).toBe("TOO_MANY_ALIASES");
    for (let index = 0; index < 15; index += 1) expect(screen(schema, padded(index), {})).toBeUndefined();
    expect(screen(schema, aliased, {})?.code).toBe("TOO_MANY_ALIASES");
    expect(screen(schema, padded(0), {})).toBeUndefined();
  });

  it("keeps each operation of a document apart, and nothing across a change of schema", () => {
    const screen = createOperationScreen();
    // Root fields are counted per operation (graphql-armor's rules read the whole document).
    const both = `query Fine { me { givenName } } query Many { ${Array.from({ length: 21 }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    expect(screen(schema, both, { operationName: "Fine" })).toBeUndefined();
    expect(screen(schema, both, { operationName: "Many" })?.code).toBe("TOO_MANY_ROOT_FIELDS");
    expect(screen(schema, both, { operationName: "Fine" })).toBeUndefined();
    // Another schema (a new supergraph) in which the same text is checked again.
    const other = buildSchema(`type Query { me: Person } type Person { givenName: String }`);
    expect(screen(other, `{ me { givenName } }`, {})).toBeUndefined();
    expect(screen(schema, aliased, {})?.code).toBe("TOO_MANY_ALIASES");
  });
});

const small = buildSchema(`type Query { me: Person } type Person { givenName: String friend: Person }`);

/** The real rules, counted: each is built once per walk of a document. */
function countedRules() {
  const built = { aliases: 0, depth: 0 };
  const rules: typeof ARMOR_RULES = {
    maxAliasesRule: (...args) => ((built.aliases += 1), ARMOR_RULES.maxAliasesRule(...args)),
    maxDepthRule: (...args) => ((built.depth += 1), ARMOR_RULES.maxDepthRule(...args)),
  };
  return { built, rules };
}

// The alias and depth rules each walk the whole document: a text sent again is not walked again,
// whether the rules let it through (kept as null) or refused it (kept as the refusal).
describe("what the operation screen keeps of a text", () => {
  it("walks a text the rules let through once, however often it is sent", () => {
    const { built, rules } = countedRules();
    const screen = createOperationScreen({}, 500, rules);
    for (let time = 0; time < 3; time += 1) expect(screen(small, `{ me { givenName friend { givenName } } }`, {})).toBeUndefined();
    expect(built).toEqual({ aliases: 1, depth: 1 });
  });

  it("walks a refused text once, and refuses it alike every time", () => {
    const { built, rules } = countedRules();
    const screen = createOperationScreen({ maxDepth: 2 }, 500, rules);
    for (let time = 0; time < 3; time += 1) expect(screen(small, `{ me { friend { friend { friend { givenName } } } } }`, {})?.code).toBe("QUERY_TOO_DEEP");
    expect(built).toEqual({ aliases: 1, depth: 1 });
  });

  it("walks a text again under another schema", () => {
    const { built, rules } = countedRules();
    const screen = createOperationScreen({}, 500, rules);
    const other = buildSchema(`type Query { me: Person } type Person { givenName: String }`);
    for (const each of [small, other, other]) expect(screen(each, `{ me { givenName } }`, {})).toBeUndefined();
    expect(built).toEqual({ aliases: 2, depth: 2 });
  });
});
