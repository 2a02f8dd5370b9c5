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
  /**
   * Requests per second: each worker's own rate (its requests over the time to its last answer),
   * summed. Not `requests / seconds`: the run ends when the slowest worker's last answer is in,
   * so `seconds` holds a drain in which fewer than `concurrency` requests are in flight, a
   * random share of a latency that is longer, the slower the path (a 1.5-s run of 200-ms
   * requests: about a tenth); and it moves in steps of whole requests.
   */
  perSecond: number;
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
  const worker = async (): Promise<number> => {
    let answered = 0;
    let last = started;
    while (performance.now() < deadline) {
      const sent = performance.now();
      const answer = await send();
      last = performance.now();
      latencies.push(last - sent);
      check(answer);
      answered += 1;
    }
    return answered === 0 ? 0 : answered / ((last - started) / 1000);
  };
  const rates = await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, perSecond: rates.reduce((sum, rate) => sum + rate, 0), latencies };
}

/** The latency below which `fraction` of the requests fell (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** The middle value (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
