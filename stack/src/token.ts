import { isPeopleRole, isPersonaName, personas } from "@grondslag/auth";
import { createAuth } from "./createAuth.ts";
import { loadEnv } from "./env.ts";

// `pnpm token <persona>`: prints a development token for a person of the demo cast, signed by
// the local people's issuer key the gateway trusts in development. Only the token goes to stdout.
// Partners never hold such a token: the partner runner obtains a capability for one declared
// operation, its variables and one person, signed by the platform's own key, for each read.
const name = process.argv[2];
const people = Object.entries(personas).filter(([, caller]) => isPeopleRole(caller.role));
if (name && isPersonaName(name) && !isPeopleRole(personas[name].role)) {
  process.stderr.write(
    `${name} is a partner (${personas[name].role}): partners receive no general token. The partner runner ` +
      "(integrations/common/src/readFieldSet.ts) obtains a capability for one declared operation, one person and " +
      "about a minute for each read; see integrations/README.md.\n",
  );
  process.exit(2);
}
if (!name || !isPersonaName(name)) {
  process.stderr.write(
    `usage: pnpm token <persona>\n\npersonas:\n${people
      .map(([id, caller]) => `  ${id.padEnd(8)} ${caller.role}${"organisationId" in caller ? ` at ${caller.organisationId}` : ""}`)
      .join("\n")}\n`,
  );
  process.exit(2);
}

const env = loadEnv();
const auth = await createAuth(env);
if (!auth.issuePersonToken) {
  process.stderr.write("AUTH_JWKS_URL is set: people's tokens come from your identity provider, not from `pnpm token`.\n");
  process.exit(1);
}
process.stdout.write(`${await auth.issuePersonToken(personas[name])}\n`);
