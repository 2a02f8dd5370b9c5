import type { GCProfilerResult, HeapSpaceStatistics } from "node:v8";

/** One collection as V8's `GCProfiler` records it. */
export type Collection = GCProfilerResult["statistics"][number];

/** Bytes used in one heap space (`new_space`, `old_space`, …); 0 when the heap has no such space. */
export function spaceUsed(spaces: HeapSpaceStatistics[], name: string): number {
  return spaces.find((space) => space.spaceName === name)?.spaceUsedSize ?? 0;
}

/**
 * What a scavenge moved to the old generation: what the old space grew by across it. Never less
 * than 0: the concurrent sweeper may free old space while a scavenge runs.
 */
export function promotedBy({ beforeGC, afterGC }: Collection): number {
  return Math.max(0, spaceUsed(afterGC.heapSpaceStatistics, "old_space") - spaceUsed(beforeGC.heapSpaceStatistics, "old_space"));
}
