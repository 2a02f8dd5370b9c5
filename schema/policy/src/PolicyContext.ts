import type { Caller } from "@grondslag/auth";
import type { Database } from "@grondslag/db";
import { createPolicyLookups, type FactsSharing, type PolicyLookups } from "./createPolicyLookups.ts";
import type { ErrorLog } from "./errors.ts";

/** What the rules of one request see: the caller, the day, and batched look-ups. */
export interface PolicyContext {
  caller: Caller | null;
  /** The calendar day in Europe/Amsterdam, YYYY-MM-DD: relationships end on local days. */
  today: string;
  lookups: PolicyLookups;
}

/** Every subgraph's context carries one of these as `policy`. */
export interface WithPolicy {
  policy: PolicyContext;
}

/**
 * What the server around a subgraph may add to each request's context (both optional, absent
 * in unit tests; not part of `WithPolicy`, whose subgraph contexts type `log` as a full logger). In the context rather than in `createPolicySchema`'s options because the
 * schema is built once, before any server, and a counter is per server, not global.
 */
export interface RequestObservers {
  /** The request's logger, naming its request id; default the subgraph's own. */
  log?: ErrorLog;
  /** Told of each denial: the field's coordinate and the declared policy, never the record. */
  onPolicyDenial?: (denial: { field: string; policy: string }) => void;
}

/**
 * `request`: the gateway request the subgraph request belongs to (`Subgraph.createContext`'s);
 * its read-only fetches share the facts read for it. Absent (unit tests, scripts): this context's own.
 */
export function createPolicyContext(db: Database, caller: Caller | null, now: Date = new Date(), request?: FactsSharing): PolicyContext {
  const today = getToday(now);
  return { caller, today, lookups: createPolicyLookups(db, today, caller?.personId, request) };
}

/** The calendar day at the practices and employers (NL and BE share Europe/Amsterdam's clock). */
export function getToday(now: Date = new Date()): string {
  return amsterdamDay.format(now);
}

// Built once: constructing an Intl.DateTimeFormat costs tens of microseconds, per request it showed in profiles.
// The en-CA locale formats a date as YYYY-MM-DD.
const amsterdamDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" });
