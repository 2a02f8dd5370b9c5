import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./createRateLimiter.ts";

describe("createRateLimiter", () => {
  it("allows a burst, then tells how long to wait, then refills", () => {
    let time = 0;
    const limiter = createRateLimiter({ burst: 3, perSecond: 0.5 }, () => time);
    expect([limiter.take("anna"), limiter.take("anna"), limiter.take("anna")]).toEqual([undefined, undefined, undefined]);
    expect(limiter.take("anna")).toBe(2);
    expect(limiter.take("bram")).toBeUndefined();
    time = 2000;
    expect(limiter.take("anna")).toBeUndefined();
    expect(limiter.take("anna")).toBe(2);
  });

  it("forgets buckets that are full again", () => {
    let time = 0;
    const limiter = createRateLimiter({ burst: 1, perSecond: 1 }, () => time);
    expect(limiter.take("anna")).toBeUndefined();
    expect(limiter.take("anna")).toBe(1);
    time = 5000;
    expect(limiter.take("anna")).toBeUndefined();
  });
});
