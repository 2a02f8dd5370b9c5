import { describe, expect, it } from "vitest";
import { capabilityFor } from "./capability.ts";
import { createPlatformTokenSigner } from "./createPlatformTokenSigner.ts";
import { createTokenSigner } from "./createTokenSigner.ts";
import { createCallerVerifier } from "./createTokenVerifier.ts";
import { createKeyPair } from "./keyPair.ts";
import { personas } from "./personas.ts";

// Two issuers at the gateway: what each may say about a caller.
describe("createCallerVerifier", () => {
  it("keeps a second-factor session the platform's: the people's issuer's `amr: otp` opens nothing", async () => {
    const [peopleKey, platformKey] = await Promise.all([createKeyPair(), createKeyPair()]);
    const people = { issuer: "https://login.example.test/", audience: "grondslag" };
    const platform = { issuer: "grondslag-platform", audience: "grondslag-gateway" };
    const verify = createCallerVerifier({ people: { keys: peopleKey.publicKey, ...people }, platform: { keys: platformKey.publicKey, ...platform } });
    const withOtp = { ...personas.anna, authMethods: ["otp"] };

    const { tokenId, ...fromProvider } = await verify(await createTokenSigner({ key: peopleKey, ...people })(withOtp));
    expect(fromProvider).toEqual(personas.anna);
    expect(fromProvider.authMethods).toBeUndefined();
    expect(tokenId).toMatch(/^[0-9a-f-]{36}$/);

    const { tokenId: _platformTokenId, ...fromPlatform } = await verify(await createPlatformTokenSigner({ key: platformKey, ...platform })(withOtp));
    expect(fromPlatform).toEqual(withOtp);
  });

  it("gives every token an id of its own, even for one caller in one second, and never copies a verified id into a new token", async () => {
    const key = await createKeyPair();
    const options = { issuer: "grondslag-gateway", audience: "grondslag-subgraphs" };
    const sign = createTokenSigner({ key, ...options });
    const verify = createCallerVerifier({ people: { keys: key.publicKey, ...options }, platform: { keys: (await createKeyPair()).publicKey, issuer: "p", audience: "p" } });
    const first = await verify(await sign(personas.anna));
    const second = await verify(await sign(personas.anna));
    expect(first.tokenId).toBeDefined();
    expect(second.tokenId).not.toBe(first.tokenId);
    // The gateway forwards the caller it verified: the forwarded token gets its own id.
    const forwarded = await verify(await sign(first));
    expect(forwarded.tokenId).not.toBe(first.tokenId);
  });

  it("refuses a capability that would live longer than a minute, or was signed ahead of now, though its signature verifies", async () => {
    const [peopleKey, platformKey] = await Promise.all([createKeyPair(), createKeyPair()]);
    const people = { issuer: "https://login.example.test/", audience: "grondslag" };
    const platform = { issuer: "grondslag-platform", audience: "grondslag-gateway" };
    const verify = createCallerVerifier({ people: { keys: peopleKey.publicKey, ...people }, platform: { keys: platformKey.publicKey, ...platform } });
    const twilio = { subject: "twilio", role: "partner:twilio", capability: capabilityFor("query Q { me { id } }", {}, "anna") } as const;

    // As the platform signs it: a minute.
    const minted = await verify(await createPlatformTokenSigner({ key: platformKey, ...platform })(twilio));
    expect(minted.capability?.personId).toBe("anna");
    // Signed with the same key, but for a year: refused.
    await expect(verify(await createTokenSigner({ key: platformKey, ...platform, ttlSeconds: 365 * 86_400 })(twilio))).rejects.toMatchObject({ reason: "bad-claims" });
    await expect(verify(await createTokenSigner({ key: platformKey, ...platform, ttlSeconds: 61 })(twilio))).rejects.toMatchObject({ reason: "bad-claims" });
  });
});
