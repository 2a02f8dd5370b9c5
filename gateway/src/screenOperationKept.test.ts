import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { ARMOR_RULES, createOperationScreen } from "./screenOperation.ts";

const schema = buildSchema(`type Query { me: Person } type Person { givenName: String friend: Person }`);

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
    for (let time = 0; time < 3; time += 1) expect(screen(schema, `{ me { givenName friend { givenName } } }`, {})).toBeUndefined();
    expect(built).toEqual({ aliases: 1, depth: 1 });
  });

  it("walks a refused text once, and refuses it alike every time", () => {
    const { built, rules } = countedRules();
    const screen = createOperationScreen({ maxDepth: 2 }, 500, rules);
    for (let time = 0; time < 3; time += 1) expect(screen(schema, `{ me { friend { friend { friend { givenName } } } } }`, {})?.code).toBe("QUERY_TOO_DEEP");
    expect(built).toEqual({ aliases: 1, depth: 1 });
  });

  it("walks a text again under another schema", () => {
    const { built, rules } = countedRules();
    const screen = createOperationScreen({}, 500, rules);
    const other = buildSchema(`type Query { me: Person } type Person { givenName: String }`);
    for (const each of [schema, other, other]) expect(screen(each, `{ me { givenName } }`, {})).toBeUndefined();
    expect(built).toEqual({ aliases: 2, depth: 2 });
  });
});
