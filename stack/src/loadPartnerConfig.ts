import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import type { PartnerPackage } from "@grondslag/integration-common";
import type { PartnerConfig } from "./createPartners.ts";
import { loadPartnerEnv, type Env } from "./env.ts";

/**
 * Builds every registered package's configuration from its own variables; a package left
 * unset is left out (its channels answer NOT_CONFIGURED). Nothing here names a partner.
 */
export function loadPartnerConfig(env: Env, packages: readonly PartnerPackage[], source?: NodeJS.ProcessEnv): PartnerConfig {
  const values = loadPartnerEnv(packages, source);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.GATEWAY_PORT}`).replace(/\/$/, "");
  const config: Record<string, unknown> = {};
  for (const partnerPackage of packages) {
    const settings = partnerPackage.configFromEnv(values, { publicUrl });
    if (settings !== undefined) config[partnerPackage.partner] = settings;
  }
  return config;
}

/** OTP_KEY, or in development a random key kept in DATA_DIR so codes survive a restart. */
export function loadOtpKey(env: Env): string {
  if (env.OTP_KEY) return env.OTP_KEY;
  const file = join(env.DATA_DIR, "keys", "otp.key");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8");
}
