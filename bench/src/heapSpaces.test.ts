import type { HeapSpaceStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { promotedBy, spaceUsed, type Collection } from "./heapSpaces.ts";

const spaces = (used: Record<string, number>) => Object.entries(used).map(([spaceName, spaceUsedSize]) => ({ spaceName, spaceUsedSize }) as HeapSpaceStatistics);
const scavenge = (before: Record<string, number>, after: Record<string, number>) =>
  ({ gcType: "Scavenge", cost: 1, beforeGC: { heapSpaceStatistics: spaces(before) }, afterGC: { heapSpaceStatistics: spaces(after) } }) as unknown as Collection;

describe("heap spaces", () => {
  it("reads a space's use, 0 for a space the heap does not have", () => {
    expect(spaceUsed(spaces({ new_space: 5, old_space: 7 }), "old_space")).toBe(7);
    expect(spaceUsed(spaces({ new_space: 5 }), "old_space")).toBe(0);
  });

  it("counts what a scavenge promoted as the old space's growth, never below 0", () => {
    expect(promotedBy(scavenge({ old_space: 100 }, { old_space: 130 }))).toBe(30);
    expect(promotedBy(scavenge({ old_space: 100 }, { old_space: 90 }))).toBe(0);
  });
});
