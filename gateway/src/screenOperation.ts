import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from "graphql";
import { measureOperation } from "./measureOperation.ts";
import type { Refusal } from "./Refusal.ts";

export interface OperationLimits {
  /** Lexical tokens in the query text (graphql-js stops parsing past it). Default 10,000. */
  maxTokens?: number;
  /** Fields in the root selection set, fragments expanded. Default 20. */
  maxRootFields?: number;
  /** Fields selected with every fragment spread expanded. Default 2,000. */
  maxSelections?: number;
  /** Aliases, counted through fragments (graphql-armor). Default 30. */
  maxAliases?: number;
  /** Nesting of fields; fragment spreads add no level (graphql-armor). Default 10. */
  maxDepth?: number;
  /** Estimated cost, list fields multiplied by `first` or the default list size. Default 50,000. */
  maxCost?: number;
  /** List size assumed for a list field without `first`. Default 20. */
  defaultListSize?: number;
}

/** An operation parsed (`parseOperation`), and what its checks that depend on the text alone found, once run. */
interface Parsed {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** graphql-armor's alias and depth rules: their refusal's message, or null for none; undefined until run. */
  aliases?: string | null;
  depth?: string | null;
}

/** Parses the text within the token limit; a refusal, or undefined (`refusal`) to let Apollo answer what does not parse or names no single operation. */
function parseOperation(query: string, operationName: string | undefined, limits: OperationLimits): Parsed | { refusal: Refusal | undefined } {
  const maxTokens = limits.maxTokens ?? 10_000;
  let document: DocumentNode;
  try {
    // Without locations: nothing here reports one, and a kept document without them is a third the size.
    document = parse(query, { maxTokens, noLocation: true });
  } catch (error) {
    // graphql-js 16 words it "contains more that N tokens"; accept the fixed spelling too.
    if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message)) {
      return { refusal: refuse("TOO_MANY_TOKENS", `The operation has more than ${maxTokens} tokens.`) };
    }
    // A plain syntax error: Apollo parses again and answers it with GRAPHQL_PARSE_FAILED.
    return { refusal: undefined };
  }
  const operation = getOperationAST(document, operationName);
  // No single operation to run: Apollo's validation explains why.
  if (!operation) return { refusal: undefined };
  return { document, operation };
}

/** The longest operation text `createOperationScreen` keeps; a longer one is parsed and checked every time. */
const KEPT_OPERATION_CHARS = 20_000;
/**
 * The texts kept at once, in characters. A parsed document (without locations) takes about 45
 * bytes a character: 250,000 characters keep about 11 MB, whoever sends what.
 */
const KEPT_CHARS_IN_ALL = 250_000;

/** graphql-armor's alias and depth rules, as the screen builds them (a test counts their walks through this). */
export const ARMOR_RULES = Object.freeze({ maxAliasesRule, maxDepthRule });

/**
 * The gateway's check of an operation against the limits before anything else reads it: before
 * Apollo's own validation (whose overlapping-fields rule is quadratic in aliases) and before the
 * gateway's query planner (whose work grows with the expanded selection). The checks run cheapest
 * and most bounding first: parsing stops at the token limit, then the memoised counts of
 * `measureOperation` bound the expanded size, and only then do graphql-armor's depth and alias
 * rules walk the document. (graphql-armor's ApolloArmor wrapper would add those rules to Apollo's
 * validationRules instead: the same pass as the quadratic rule, which then runs to its end anyway.)
 * The screen answers the refusal, or undefined to let the operation through; each refusal carries
 * its own code and is a 400, never a 500.
 *
 * What depends on the operation's text and name alone (the parse, and the alias and depth rules,
 * each a walk of the whole document) is kept for the next request that sends the same text, as
 * clients send the same operations again and again. The counts that depend on the variables
 * (`first`) are measured every time, in the order above, so a fragment bomb is still bounded
 * before the armor rules walk it. At most `max` texts of up to `KEPT_OPERATION_CHARS` each and
 * `KEPT_CHARS_IN_ALL` together are kept, the oldest dropped first, and none across a change of
 * schema (the rules read it).
 */
export function createOperationScreen(limits: OperationLimits = {}, max = 500, armor: typeof ARMOR_RULES = ARMOR_RULES) {
  const kept = new Map<string, Parsed>();
  let keptChars = 0;
  let keptFor: GraphQLSchema | undefined;
  return (schema: GraphQLSchema, query: string, request: { operationName?: string | undefined; variables?: Record<string, unknown> | undefined }): Refusal | undefined => {
    if (schema !== keptFor) {
      kept.clear();
      keptChars = 0;
      keptFor = schema;
    }
    // The name's length first: no name and text can be read as another name and text.
    const name = request.operationName ?? "";
    const key = `${name.length}:${name}${query}`;
    let parsed = kept.get(key);
    if (!parsed) {
      const found = parseOperation(query, request.operationName, limits);
      if (!("document" in found)) return found.refusal;
      parsed = found;
      if (query.length <= KEPT_OPERATION_CHARS) {
        for (const [oldest] of kept) {
          if (kept.size < max && keptChars + key.length <= KEPT_CHARS_IN_ALL) break;
          kept.delete(oldest);
          keptChars -= oldest.length;
        }
        kept.set(key, parsed);
        keptChars += key.length;
      }
    }
    return screenParsed(schema, parsed, request.variables, limits, armor);
  };
}

/** The limits' checks of a parsed operation, cheapest and most bounding first (see `createOperationScreen`). */
function screenParsed(schema: GraphQLSchema, parsed: Parsed, variables: Record<string, unknown> | undefined, limits: OperationLimits, armor: typeof ARMOR_RULES): Refusal | undefined {
  const { document, operation } = parsed;

  const measure = measureOperation(schema, document, operation, {
    ...(limits.defaultListSize !== undefined ? { defaultListSize: limits.defaultListSize } : {}),
    ...(variables ? { variables } : {}),
  });
  const maxRootFields = limits.maxRootFields ?? 20;
  if (measure.rootFields > maxRootFields) {
    return refuse("TOO_MANY_ROOT_FIELDS", `The operation selects ${measure.rootFields} root fields; at most ${maxRootFields} are allowed.`);
  }
  const maxSelections = limits.maxSelections ?? 2_000;
  if (measure.selections > maxSelections) {
    return refuse("SELECTION_TOO_LARGE", `With its fragments expanded the operation selects ${format(measure.selections)} fields; at most ${maxSelections} are allowed.`);
  }
  // Kept as null when a rule let the text through: `??=` would take that null for "not run" and
  // walk the document again on every request (it did: 1.1 ms of a 50-alias list request).
  if (parsed.aliases === undefined) {
    parsed.aliases = armorRule(schema, document, (onReject) => armor.maxAliasesRule({ n: limits.maxAliases ?? 30, onReject: [onReject], propagateOnRejection: false })) ?? null;
  }
  if (parsed.aliases) return refuse("TOO_MANY_ALIASES", parsed.aliases);
  if (parsed.depth === undefined) {
    parsed.depth = armorRule(schema, document, (onReject) => armor.maxDepthRule({ n: limits.maxDepth ?? 10, flattenFragments: true, onReject: [onReject], propagateOnRejection: false })) ?? null;
  }
  if (parsed.depth) return refuse("QUERY_TOO_DEEP", parsed.depth);
  const maxCost = limits.maxCost ?? 50_000;
  if (measure.cost > maxCost) {
    return refuse("QUERY_TOO_COSTLY", `The operation's estimated cost is ${format(measure.cost)}; at most ${maxCost} is allowed. Ask for fewer items with \`first\`.`);
  }
  return undefined;
}

/**
 * Runs one graphql-armor rule on its own and returns its message when it rejects. Alone,
 * because `validate` with the specified rules would run them all in the same pass; and with
 * `propagateOnRejection: false`, because armor otherwise throws out of `validate`.
 */
function armorRule(schema: GraphQLSchema, document: DocumentNode, rule: (onReject: (context: unknown, error: GraphQLError) => void) => ValidationRule): string | undefined {
  let rejected: string | undefined;
  validate(schema, document, [rule((_context, error) => (rejected = error.message.replace(/^Syntax Error: /, "")))]);
  return rejected;
}

function refuse(code: string, message: string): Refusal {
  return { status: 400, code, message };
}

function format(count: number): string {
  return count >= 1e12 ? "more than 10^12" : String(count);
}
