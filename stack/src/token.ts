import { isPersonaName, personas } from "@grondslag/auth";
import { createAuth } from "./createAuth.ts";
import { loadEnv } from "./env.ts";

// `pnpm token <persona>`: prints a development token for one of the demo cast, signed by the
// local issuer key the gateway trusts in development. Only the token goes to stdout.
const name = process.argv[2];
if (!name || !isPersonaName(name)) {
  process.stderr.write(
    `usage: pnpm token <persona>\n\npersonas:\n${Object.entries(personas)
      .map(([id, caller]) => `  ${id.padEnd(8)} ${caller.role}${"organisationId" in caller ? ` at ${caller.organisationId}` : ""}`)
      .join("\n")}\n`,
  );
  process.exit(2);
}

const env = loadEnv();
const auth = await createAuth(env);
if (!auth.issueToken) {
  process.stderr.write("AUTH_JWKS_URL is set: tokens come from your identity provider, not from `pnpm token`.\n");
  process.exit(1);
}
process.stdout.write(`${await auth.issueToken(personas[name])}\n`);
