import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { Logger } from "./createLogger.ts";
import type { Metrics } from "./createMetrics.ts";

export interface HttpServerOptions<TContext extends BaseContext> {
  /** A started ApolloServer. */
  apollo: ApolloServer<TContext>;
  /** Builds the request's context from the request and its parsed body (after `screen`); may throw a GraphQLError with `extensions.http.status`. */
  context: (req: IncomingMessage, body: unknown) => Promise<TContext>;
  /** Named in `/health`. */
  service: string;
  log: Logger;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Readiness at `/ready`: 200 when `ready` is true, else 503; the checks are named in the answer. */
  ready?: () => Promise<Readiness>;
  /** Extra POST routes by path, such as partners' webhooks; each gets the raw body it must verify. */
  routes?: Record<string, RouteHandler>;
  /**
   * Largest request head (request line and headers) Node parses, in bytes. Default 16 KiB,
   * Node's own. A larger head is answered 431 with a JSON error rather than a dropped socket.
   */
  maxHeaderBytes?: number;
  /**
   * Sees every request first, before its body is read: may answer it itself (and return true),
   * or set response headers (CORS) and return false to let it through.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  /** Sees a `/graphql` request's parsed body before Apollo does: may replace the body, or answer. */
  screen?: (req: IncomingMessage, body: unknown) => Promise<{ body: unknown } | { answer: HttpAnswer }>;
  /** Served at `GET /metrics` in Prometheus' text format. Default: no `/metrics`. */
  metrics?: Metrics;
  /**
   * When set, `/metrics` answers only `Authorization: Bearer <metricsToken>` (401 otherwise):
   * operation names, refusal and denial counts are for the operator's scraper, not for anyone
   * who can reach the port. Production requires it (METRICS_TOKEN).
   */
  metricsToken?: string;
  /** Told the code of each request this server refuses itself (too large, malformed, a head it cannot parse). */
  onRefusal?: (code: string) => void;
  /**
   * Sees each request this server refuses itself with its request at hand (a body too large, or
   * not JSON) and says how to answer it: the gateway counts it against the client's address and,
   * past that address's rate, answers 429 instead. When set, it counts these refusals itself
   * (`onRefusal` is not told of them). Default: answered as refused.
   */
  refuse?: (req: IncomingMessage, refusal: HttpRefusal) => HttpRefusal;
}

/** A request refused before GraphQL: its status, code and message, and any headers (Retry-After). */
export interface HttpRefusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** A JSON answer given without Apollo. */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  json: unknown;
}

/** What `/ready` answers: whether the process should receive traffic, and each check's outcome. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export type RouteHandler = (headers: IncomingMessage["headers"], rawBody: string) => Promise<{ status: number; body: string }>;

/**
 * Serves GraphQL at `/graphql` and liveness at `/health` on plain node:http, the same way
 * `@apollo/server/standalone` does, with the health route it lacks. Building is separate
 * from listening: the caller decides the port.
 */
export function createHttpServer<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
): Server {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const tooLarge: HttpRefusal = { status: 413, code: "REQUEST_TOO_LARGE", message: `Request body larger than ${maxBodyBytes} bytes` };
  /** Answers a refusal of this server's own, as `refuse` decides (else as it is), counted once. */
  const refuseRequest = (req: IncomingMessage, res: ServerResponse, refusal: HttpRefusal) => {
    const answer = options.refuse ? options.refuse(req, refusal) : (options.onRefusal?.(refusal.code), refusal);
    for (const [key, value] of Object.entries(answer.headers ?? {})) res.setHeader(key, value);
    sendJson(res, answer.status, { errors: [{ message: answer.message, extensions: { code: answer.code } }] });
  };
  /** A body over the limit (`readBody`): refused; the connection closes after the answer when the body was not read to its end. */
  const refuseTooLarge = (req: IncomingMessage, res: ServerResponse, body: TooLarge) => {
    if (body.whole) keepAlive(res);
    refuseRequest(req, res, tooLarge);
  };
  const server = createServer({ ...(options.maxHeaderBytes ? { maxHeaderSize: options.maxHeaderBytes } : {}) }, (req, res) => {
    // Every later step (the context, the subgraph fetches, the log lines) reads the id from here.
    const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]) ?? randomUUID();
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // A request with a body is answered on a connection that closes after the answer unless its
    // body is read to its end (`readBody`, which lifts this): a refusal before the body is read
    // (431, 403, 405) or a path that takes none (404, /health) would otherwise have Node read the
    // whole body, however large, to keep the connection for the next request.
    if (hasBody(req)) res.setHeader("connection", "close");
    handle(req, res).catch((error: unknown) => {
      options.log.error({ err: error, requestId }, "request failed before reaching GraphQL");
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error" }] });
      else res.end();
    });
  });
  // Node answers a head over maxHeaderSize with a bare 431 and destroys the socket at once,
  // which a client still sending its request sees as a reset connection. Answer in JSON, and
  // half-close so the answer is read.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, message, code] =
      error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", `Request headers larger than ${options.maxHeaderBytes ?? 16_384} bytes`, "HEADERS_TOO_LARGE"]
        : [400, "Bad Request", "Malformed HTTP request", "BAD_REQUEST"];
    options.onRefusal?.(code);
    const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (options.intercept && (await options.intercept(req, res, url))) return;
    if (url.pathname === "/health") {
      sendJson(res, 200, { status: "ok", service: options.service });
      return;
    }
    if (url.pathname === "/metrics" && options.metrics && req.method === "GET") {
      if (options.metricsToken !== undefined && !bearerMatches(req.headers.authorization, options.metricsToken)) {
        res.setHeader("www-authenticate", 'Bearer realm="metrics"');
        sendJson(res, 401, { errors: [{ message: "The metrics need the scraper's bearer token.", extensions: { code: "UNAUTHENTICATED" } }] });
        return;
      }
      const { contentType, body } = await options.metrics.render();
      res.setHeader("content-type", contentType);
      res.end(body);
      return;
    }
    if (url.pathname === "/ready" && options.ready) {
      const { ready, checks } = await options.ready();
      sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", service: options.service, checks });
      return;
    }
    const route = options.routes?.[url.pathname];
    if (route) {
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        sendJson(res, 405, { errors: [{ message: "Use POST", extensions: { code: "METHOD_NOT_ALLOWED" } }] });
        return;
      }
      const raw = await readBody(req, maxBodyBytes);
      if (typeof raw !== "string") {
        refuseTooLarge(req, res, raw);
        return;
      }
      keepAlive(res);
      const answer = await route(req.headers, raw);
      res.statusCode = answer.status;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end(answer.body);
      return;
    }
    if (url.pathname !== "/graphql") {
      sendJson(res, 404, { errors: [{ message: "Not found: GraphQL is served at /graphql", extensions: { code: "NOT_FOUND" } }] });
      return;
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const raw = await readBody(req, maxBodyBytes);
    if (typeof raw !== "string") {
      refuseTooLarge(req, res, raw);
      return;
    }
    keepAlive(res);
    let body: unknown = raw;
    if (raw.length > 0 && (headers.get("content-type") ?? "").includes("application/json")) {
      try {
        body = JSON.parse(raw);
      } catch {
        refuseRequest(req, res, { status: 400, code: "BAD_REQUEST", message: "The request body is not valid JSON" });
        return;
      }
    }
    if (options.screen) {
      const screened = await options.screen(req, body);
      if ("answer" in screened) {
        for (const [key, value] of Object.entries(screened.answer.headers ?? {})) res.setHeader(key, value);
        sendJson(res, screened.answer.status, screened.answer.json);
        return;
      }
      body = screened.body;
    }

    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: () => options.context(req, body),
    });
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

export const REQUEST_ID_HEADER = "x-request-id";

/**
 * A caller's (or a proxy's) request id is kept only when it is a short plain token: it goes
 * into every log line of the request, so it must not carry a value or break a line.
 */
function acceptRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : undefined;
}

/** The request's id, as `createHttpServer` accepted or made it. */
export function requestIdOf(req: IncomingMessage): string {
  const value = req.headers[REQUEST_ID_HEADER];
  return typeof value === "string" ? value : "unknown";
}

/** Whether the request says it has a body (a length above 0, or chunks). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/** Its body read to the end: the connection may serve the next request (see the request handler). */
function keepAlive(res: ServerResponse): void {
  res.removeHeader("connection");
}

/** A body over the limit: `whole` when it was read to its end (else the connection must close). */
interface TooLarge {
  whole: boolean;
}

/** How long, and how much, of a body over the limit is read and dropped before it is answered, at most. */
const DISCARD_MS = 1_000;
const DISCARD_BYTES = 8 * 1024 * 1024;

/**
 * The body as text, or `TooLarge` when it exceeds `limit` (as declared, or as read). Nothing past
 * the limit is kept. The rest of a body over the limit is read and dropped, so that the client,
 * done sending, reads the 413 rather than meeting a closed connection, but only up to
 * `DISCARD_BYTES` and `DISCARD_MS` from the moment it is known too large: a 60-MB body used to be
 * read to its end, and one that never ended was never answered. Past either bound the answer goes
 * at once, and the connection closes after it (`whole: false`).
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | TooLarge> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let dropped = 0;
    let timer: NodeJS.Timeout | undefined;
    const settle = (value: string | TooLarge) => {
      if (timer) clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      resolve(value);
    };
    const overLimit = () => {
      if (timer) return;
      chunks.length = 0;
      timer = setTimeout(() => settle({ whole: false }), DISCARD_MS);
      timer.unref();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      overLimit();
      dropped += chunk.length;
      if (dropped > DISCARD_BYTES) settle({ whole: false });
    };
    const onEnd = () => settle(timer ? { whole: true } : Buffer.concat(chunks).toString("utf8"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) overLimit();
  });
}

/** Compares in constant time, over digests so that the lengths do not leak either. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (sent === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/** Listens on `port` (0 picks a free one) and resolves with the port taken. */
export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/** How long `close` lets requests in flight finish before it cuts their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Closes the server: refuses new connections at once, ends idle keep-alive ones, and lets the
 * requests in flight finish for up to `graceMs` (closing each connection once it is idle), then ends whatever connection is left, so a
 * hung request cannot hold shutdown.
 */
export function close(server: Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
    // A keep-alive connection whose request finishes during the drain would otherwise stay
    // open, and hold `close`, until the client or the keep-alive timeout ends it.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.close((error) => {
      clearTimeout(cutOff);
      clearInterval(idle);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

/** Starting and stopping an Apollo server with the HTTP server in front of it, in that order. */
export function serveApollo(apollo: { start(): Promise<void>; stop(): Promise<void> }, http: Server, graceMs = SHUTDOWN_GRACE_MS) {
  return {
    async listen(port: number, host?: string): Promise<number> {
      await apollo.start();
      return listen(http, port, host);
    },
    async stop(): Promise<void> {
      await close(http, graceMs);
      await apollo.stop();
    },
  };
}
