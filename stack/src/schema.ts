import { loadApiSchema } from "@grondslag/gateway";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import { printSchema } from "graphql";

// `pnpm --silent schema`: the API schema clients query, as SDL on stdout (for code generators).
// The policy directives stay in the committed supergraph; `pnpm policy:json` prints them.
process.stdout.write(`${printSchema(await loadApiSchema(loadSupergraphSdl()))}\n`);
