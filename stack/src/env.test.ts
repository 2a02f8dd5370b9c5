import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAuth } from "./createAuth.ts";
import { loadEnv, requiredInProduction } from "./env.ts";
import { loadOtpKey } from "./loadPartnerConfig.ts";

const dataDir = mkdtempSync(join(tmpdir(), "grondslag-env-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const newKey = () => JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }));
const signingKey = newKey();
const production: NodeJS.ProcessEnv = {
  GRONDSLAG_ENV: "production",
  DATA_DIR: dataDir,
  GATEWAY_SIGNING_KEY: signingKey,
  PLATFORM_SIGNING_KEY: newKey(),
  AUTH_JWKS_URL: "https://login.example.nl/.well-known/jwks.json",
  AUTH_ISSUER: "https://login.example.nl/",
  AUTH_AUDIENCE: "grondslag",
  OTP_KEY: "a-shared-key-of-at-least-32-characters",
  METRICS_TOKEN: "a-scraper-token-of-at-least-32-characters",
};

describe("production settings", () => {
  it.each(requiredInProduction)("refuses to start without %s, naming it", (name) => {
    expect(() => loadEnv({ ...production, [name]: undefined })).toThrow(new RegExp(`refuses to start without ${name}`));
    // An empty value is no value.
    expect(() => loadEnv({ ...production, [name]: "" })).toThrow(new RegExp(`without ${name}`));
  });

  it("names every missing variable at once", () => {
    expect(() => loadEnv({ GRONDSLAG_ENV: "production" })).toThrow(/without GATEWAY_SIGNING_KEY, PLATFORM_SIGNING_KEY, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, OTP_KEY, METRICS_TOKEN/);
  });

  it("takes NODE_ENV=production alone as production", () => {
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/refuses to start without GATEWAY_SIGNING_KEY/);
    expect(loadEnv({ ...production, GRONDSLAG_ENV: undefined, NODE_ENV: "production" }).GRONDSLAG_ENV).toBe("production");
  });

  it("refuses a signing key that is not a private JWK", () => {
    expect(() => loadEnv({ ...production, GATEWAY_SIGNING_KEY: '{"kty":"EC"}' })).toThrow(/GATEWAY_SIGNING_KEY: must be a private JWK/);
  });

  it("starts with them all, and creates no development key file", async () => {
    const env = loadEnv(production);
    const auth = await createAuth(env);
    // No people's tokens of our own; the platform's issuer (services, capabilities, sessions) still works.
    expect(auth.issuePersonToken).toBeUndefined();
    expect(typeof auth.issueToken).toBe("function");
    expect(loadOtpKey(env)).toBe(production.OTP_KEY);
    expect(existsSync(join(dataDir, "keys")) ? readdirSync(join(dataDir, "keys")) : []).toEqual([]);
  });

  it("refuses one key for both the gateway and the platform", async () => {
    await expect(createAuth(loadEnv({ ...production, PLATFORM_SIGNING_KEY: signingKey }))).rejects.toThrow(/another key than GATEWAY_SIGNING_KEY/);
  });

  it("development needs none of them", () => {
    expect(loadEnv({ DATA_DIR: dataDir }).GRONDSLAG_ENV).toBe("development");
  });
});
