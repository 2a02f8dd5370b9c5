import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partnerPackages } from "@grondslag/partners";
import { afterAll, describe, expect, it } from "vitest";
import { createAuth } from "./createAuth.ts";
import { envNames, loadEnv, loadPartnerEnv, requiredInProduction } from "./env.ts";
import { loadOtpKey, loadPartnerConfig } from "./loadPartnerConfig.ts";

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
    expect(() => loadEnv({ ...production, [name]: undefined })).toThrow(new RegExp(`refuses to start the one-process process without ${name}`));
    // An empty value is no value.
    expect(() => loadEnv({ ...production, [name]: "" })).toThrow(new RegExp(`without ${name}`));
  });

  it("names every missing variable at once", () => {
    expect(() => loadEnv({ GRONDSLAG_ENV: "production" })).toThrow(/without GATEWAY_SIGNING_KEY, PLATFORM_SIGNING_KEY, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, OTP_KEY, METRICS_TOKEN/);
  });

  it("asks each split process for the secrets its role needs, and refuses one it must not hold", () => {
    const { d: _private, ...gatewayPublic } = JSON.parse(production.GATEWAY_SIGNING_KEY!) as Record<string, string>;
    const common = { GRONDSLAG_ENV: "production", DATA_DIR: dataDir, METRICS_TOKEN: production.METRICS_TOKEN };
    const subgraph = { ...common, DATABASE_URL: "postgres://grondslag@db:5432/grondslag", GATEWAY_VERIFY_KEY: JSON.stringify(gatewayPublic) };
    // therapy, mobility, billing, consent: the database, the gateway's public key, the scraper's token.
    expect(loadEnv(subgraph, "subgraph").GATEWAY_VERIFY_KEY).toBe(JSON.stringify(gatewayPublic));
    expect(() => loadEnv({ ...subgraph, GATEWAY_VERIFY_KEY: undefined }, "subgraph")).toThrow(/refuses to start the subgraph process without GATEWAY_VERIFY_KEY/);
    for (const secret of ["GATEWAY_SIGNING_KEY", "PLATFORM_SIGNING_KEY", "OTP_KEY"] as const) {
      expect(() => loadEnv({ ...subgraph, [secret]: production[secret] }, "subgraph")).toThrow(new RegExp(`refuses to start the subgraph process holding ${secret}`));
    }
    // The gateway's private key is never a verify key.
    expect(() => loadEnv({ ...subgraph, GATEWAY_VERIFY_KEY: production.GATEWAY_SIGNING_KEY }, "subgraph")).toThrow(/GATEWAY_VERIFY_KEY: must be a public JWK/);
    // identity also signs sessions and capabilities, and keeps one-time codes.
    const identity = { ...subgraph, PLATFORM_SIGNING_KEY: production.PLATFORM_SIGNING_KEY, OTP_KEY: production.OTP_KEY };
    expect(() => loadEnv(identity, "identity")).not.toThrow();
    expect(() => loadEnv({ ...identity, OTP_KEY: undefined }, "identity")).toThrow(/refuses to start the identity process without OTP_KEY/);
    expect(() => loadEnv({ ...identity, GATEWAY_SIGNING_KEY: production.GATEWAY_SIGNING_KEY }, "identity")).toThrow(/holding GATEWAY_SIGNING_KEY/);
    // The gateway needs neither the database nor the one-time code key.
    const gateway = { ...common, GATEWAY_SIGNING_KEY: production.GATEWAY_SIGNING_KEY, PLATFORM_SIGNING_KEY: production.PLATFORM_SIGNING_KEY, AUTH_JWKS_URL: production.AUTH_JWKS_URL, AUTH_ISSUER: production.AUTH_ISSUER, AUTH_AUDIENCE: production.AUTH_AUDIENCE };
    expect(() => loadEnv(gateway, "gateway")).not.toThrow();
    expect(() => loadEnv({ ...gateway, AUTH_JWKS_URL: undefined }, "gateway")).toThrow(/refuses to start the gateway process without AUTH_JWKS_URL/);
  });

  it("takes NODE_ENV=production alone as production", () => {
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/refuses to start the one-process process without GATEWAY_SIGNING_KEY/);
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
    // The same key under another `kid` is still the same key.
    const renamed = JSON.stringify({ ...(JSON.parse(signingKey) as object), kid: "another-name" });
    await expect(createAuth(loadEnv({ ...production, PLATFORM_SIGNING_KEY: renamed }))).rejects.toThrow(/another key than GATEWAY_SIGNING_KEY/);
  });

  it("development needs none of them", () => {
    expect(loadEnv({ DATA_DIR: dataDir }).GRONDSLAG_ENV).toBe("development");
  });
});

describe("partner packages' variables", () => {
  it("are read as each registered package declares them, and validated by the package", () => {
    const values = loadPartnerEnv(partnerPackages, { TWILIO_ACCOUNT_SID: "ACtest", TWILIO_AUTH_TOKEN: "", UNRELATED: "x" });
    expect(values).toMatchObject({ TWILIO_ACCOUNT_SID: "ACtest", TWILIO_AUTH_TOKEN: undefined });
    expect(values).not.toHaveProperty("UNRELATED");
    expect(envNames).toEqual(expect.arrayContaining(["DATABASE_URL", "TWILIO_ACCOUNT_SID", "SENDGRID_FROM"]));
    const twilioPackage = partnerPackages.find((partnerPackage) => partnerPackage.partner === "twilio")!;
    expect(() => twilioPackage.configFromEnv({ TWILIO_ACCOUNT_SID: "not-an-account" }, { publicUrl: "https://grondslag.example" })).toThrow("TWILIO_ACCOUNT_SID");
  });

  it("leave a package unconfigured when unset: no config, so its channels answer NOT_CONFIGURED", () => {
    expect(loadPartnerConfig(loadEnv({ DATA_DIR: dataDir }), partnerPackages, {})).toEqual({});
    const configured = loadPartnerConfig(loadEnv({ DATA_DIR: dataDir, PUBLIC_URL: "https://grondslag.example/" }), partnerPackages, {
      TWILIO_ACCOUNT_SID: "ACtest00000000000000000000000000", TWILIO_AUTH_TOKEN: "token", TWILIO_MESSAGING_SERVICE_SID: "MGtest00000000000000000000000000",
    });
    expect(Object.keys(configured)).toEqual(["twilio"]);
    expect(configured.twilio).toMatchObject({ sms: { statusCallbackUrl: "https://grondslag.example/webhooks/twilio/status" } });
    expect(configured.twilio).not.toHaveProperty("mail");
  });
});
