import type { Answer } from "./operations.ts";

/** Where and as whom a load run sends one operation. */
export interface Target {
  url: string;
  token: string;
  query: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Latency of each request, in milliseconds. */
  latencies: number[];
}

/** Sends one operation and returns its answer; an HTTP status other than 200 fails. */
export async function post(target: Target): Promise<Answer> {
  const response = await fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
    body: JSON.stringify({ query: target.query }),
  });
  const answer = (await response.json()) as Answer;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  return answer;
}

/**
 * A closed loop at fixed concurrency for `seconds`: each of `concurrency` workers sends the
 * next request when its last answer is in. Every answer is checked; the first error ends the
 * run with that error (a benchmark that times failures measures nothing).
 */
export async function runLoad(send: () => Promise<Answer>, concurrency: number, seconds: number, check: (answer: Answer) => void): Promise<LoadResult> {
  // Each run starts from a collected heap (where the process exposes `gc`: `pnpm bench` does), so
  // that a run does not pay for the garbage the run before it left (another path's, in a round).
  (globalThis as { gc?: () => void }).gc?.();
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const answer = await send();
      latencies.push(performance.now() - sent);
      check(answer);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}

/** The latency below which `fraction` of the requests fell (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
