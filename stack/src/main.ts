import { join } from "node:path";
import { createDatabase } from "@grondslag/db";
import { partnerPackages } from "@grondslag/partners";
import { createLogger } from "@grondslag/server";
import { createAuth } from "./createAuth.ts";
import { createStack } from "./createStack.ts";
import { edgeOptions } from "./edgeOptions.ts";
import { loadEnv } from "./env.ts";
import { loadOtpKey, loadPartnerConfig } from "./loadPartnerConfig.ts";
import { lockDataDir } from "./lockDataDir.ts";
import { tokenCommand } from "./tokenCommand.ts";

// `pnpm start`: the five subgraphs (4001-4005) and the gateway (4000) in one process, sharing
// one store: PGlite in DATA_DIR unless DATABASE_URL names a PostgreSQL server.
const env = loadEnv();
const log = createLogger({ level: env.LOG_LEVEL });
const unlock = env.DATABASE_URL ? () => {} : lockDataDir(env.DATA_DIR);

const database = await createDatabase({ url: env.DATABASE_URL, dataDir: join(env.DATA_DIR, "pglite") });
const stack = await createStack({ database, auth: await createAuth(env), log, partners: loadPartnerConfig(env, partnerPackages), otpKey: loadOtpKey(env), edge: edgeOptions(env) });
const subgraphPorts = Object.fromEntries(
  stack.subgraphs.map((subgraph, index) => [subgraph.name, env.SUBGRAPH_PORT_BASE && env.SUBGRAPH_PORT_BASE + index]),
);
const { gatewayUrl } = await stack.listen({ gatewayPort: env.GATEWAY_PORT, subgraphPorts, host: env.HOST });

const store = database.kind === "pglite" ? `PGlite in ${join(env.DATA_DIR, "pglite")}` : "PostgreSQL";
process.stdout.write(`
Grondslag is running on ${store}.

  GraphQL:  ${gatewayUrl}   (POST, with a bearer token)
${env.GRONDSLAG_ENV === "production" ? "" : `  Explorer: ${gatewayUrl}   (open it in a browser; paste a token)\n`}  Health:   ${gatewayUrl.replace(/\/graphql$/, "/health")}
  Token:    TOKEN=$(${tokenCommand(env.DATA_DIR)} anna)
  Try:      curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
              -d '{"query":"{ me { givenName trips(first: 5) { nodes { purpose distanceKm } pageInfo { hasNextPage endCursor } } consents { purpose { id } state } } }"}'

Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping");
  try {
    await stack.stop();
    await database.close();
  } finally {
    unlock();
  }
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
