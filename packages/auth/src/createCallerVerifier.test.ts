import { describe, expect, it } from "vitest";
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

    const fromProvider = await verify(await createTokenSigner({ key: peopleKey, ...people })(withOtp));
    expect(fromProvider).toEqual(personas.anna);
    expect(fromProvider.authMethods).toBeUndefined();

    const fromPlatform = await verify(await createPlatformTokenSigner({ key: platformKey, ...platform })(withOtp));
    expect(fromPlatform).toEqual(withOtp);
  });
});
