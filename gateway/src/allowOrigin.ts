import type { IncomingMessage, ServerResponse } from "node:http";
import type { Refusal } from "./Refusal.ts";

export interface CorsOptions {
  /** Origins browsers may call the graph from, exactly as sent (`https://app.example.nl`). */
  allowedOrigins?: string[];
  /** Also allow localhost, 127.0.0.1 and [::1] at any port, over http or https (development). Default false. */
  allowLocalhost?: boolean;
}

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * CORS for the allow-list: a preflight from an allowed origin gets 204 with what the graph
 * accepts (Apollo answered OPTIONS with 400, so browsers could not call it at all), one from
 * any other origin gets 403. Credentials are not allowed: the graph reads bearer tokens, not
 * cookies, so Apollo's CSRF prevention (still on) and this together keep other sites out.
 * Answers a refusal, true when it answered the preflight itself, or false to go on.
 */
export function allowOrigin(req: IncomingMessage, res: ServerResponse, options: CorsOptions): boolean | Refusal {
  const origin = req.headers.origin;
  if (!origin) return false;
  const allowed = (options.allowedOrigins ?? []).includes(origin) || (options.allowLocalhost === true && LOCALHOST.test(origin));
  res.setHeader("vary", "Origin");
  if (!allowed) {
    if (req.method !== "OPTIONS") return false; // the browser withholds the answer without our header
    return { status: 403, code: "ORIGIN_NOT_ALLOWED", message: `The origin ${origin} may not call this graph.` };
  }
  res.setHeader("access-control-allow-origin", origin);
  if (req.method !== "OPTIONS") {
    // What a browser app may read of an answer beyond the CORS-safelisted headers: how long to wait
    // after a 429, and the request id support asks for.
    res.setHeader("access-control-expose-headers", "retry-after, x-request-id");
    return false;
  }
  res.setHeader("access-control-allow-methods", "POST, OPTIONS");
  // Apollo Client sends its name and version when it is given them (`name`, `version`); browser
  // tracing (OpenTelemetry, Sentry) adds W3C trace context, which the graph ignores but must let through.
  res.setHeader(
    "access-control-allow-headers",
    "authorization, content-type, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version, traceparent, tracestate, baggage, sentry-trace",
  );
  res.setHeader("access-control-max-age", "600");
  res.statusCode = 204;
  res.end();
  return true;
}
