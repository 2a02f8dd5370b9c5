import type { ConsentRecordRow, ConsentState } from "./db/tables.ts";

/**
 * The state a consent has at `now`. Expiry is not written back by a job: a given consent
 * whose `expiresAt` has come reads as expired from that instant, so no stale row can keep
 * processing going. A withdrawal stays a withdrawal whatever its expiry.
 */
export function getConsentState(record: Pick<ConsentRecordRow, "state" | "expiresAt">, now: Date): ConsentState {
  if (record.state === "given" && record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return "expired";
  return record.state;
}
