/** Statuses after which a partner has nothing more to say about a send (Twilio's vocabulary). */
export const FINAL_DELIVERY_STATUSES = new Set(["delivered", "undelivered", "failed", "read"]);

/** The steps before a final status, in the order a send goes through them. */
const STEPS = ["accepted", "scheduled", "queued", "sending", "sent"];

/**
 * Whether a status a partner reported moves a send's delivery status forward. Webhooks arrive
 * out of order: a late `sent` after `delivered` must not overwrite it. Nothing follows a final
 * status, except `read` after `delivered` (WhatsApp reports both); among the steps before one,
 * only a later step moves it. A status outside the known vocabulary moves it unless it is final.
 */
export function movesDeliveryStatusForward(current: string | null, next: string): boolean {
  if (current === null) return true;
  if (current === next) return false;
  if (FINAL_DELIVERY_STATUSES.has(current)) return current === "delivered" && next === "read";
  if (FINAL_DELIVERY_STATUSES.has(next)) return true;
  const from = STEPS.indexOf(current);
  const to = STEPS.indexOf(next);
  return from === -1 || to === -1 || to > from;
}
