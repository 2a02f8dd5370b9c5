import { MAX_BATCH_OPERATIONS, REQUEST_ID_HEADER } from "@grondslag/server";

interface Waiting {
  body: string;
  resolve: (response: Response) => void;
  reject: (error: unknown) => void;
}

/**
 * One operation's answer out of a batch, already parsed: the data source reads it with `json()`
 * as it is, rather than each of a batch's answers being written out as text and parsed again (50
 * a list request; with a body stream each, about three times the batch's own parse). Read another
 * way (`text()`, `arrayBuffer()`, `blob()`, `body`, or a clone's), it is written out then, as JSON.
 */
class ParsedAnswer extends Response {
  readonly #answer: unknown;
  readonly #init: ResponseInit;

  constructor(answer: unknown, init: ResponseInit) {
    super(null, init);
    this.#answer = answer;
    this.#init = init;
  }

  #written(): Response {
    return new Response(JSON.stringify(this.#answer), this.#init);
  }

  static {
    // Response's types declare its methods as properties, which a subclass cannot override as
    // methods; on the prototype, once, rather than as a closure per answer.
    Object.defineProperties(ParsedAnswer.prototype, {
      json: { value: function json(this: ParsedAnswer) { return Promise.resolve(this.#answer); } },
      text: { value: function text(this: ParsedAnswer) { return Promise.resolve(JSON.stringify(this.#answer)); } },
      arrayBuffer: { value: function arrayBuffer(this: ParsedAnswer) { return this.#written().arrayBuffer(); } },
      blob: { value: function blob(this: ParsedAnswer) { return this.#written().blob(); } },
      body: { get: function body(this: ParsedAnswer) { return this.#written().body; } },
      // A clone answers a copy, as a real response's clone is parsed anew: what one reader changes, the other does not see.
      clone: { value: function clone(this: ParsedAnswer) { return new ParsedAnswer(structuredClone(this.#answer), this.#init); } },
    });
  }
}

/**
 * Sends the fetches one gateway request makes to one subgraph in the same turn of the event
 * loop as one HTTP request, a GraphQL batch (a JSON array of operations, which the subgraphs'
 * Apollo Server accepts with `allowBatchedHttpRequests`).
 *
 * Why: the query planner gives every alias of a root field its own entity fetch (`p0: person`,
 * `p1: person`, … each a `Flatten(Fetch)` in one `Parallel`), and each fetch used to be its own
 * request to the subgraph with its own context, so its own DataLoaders: the look-ups of a list
 * of N aliases cost N statements per kind. In one batch the operations share one context, their
 * DataLoaders batch across them, and a request costs the same statements at 5 and at 500 items.
 * The subgraph still runs and checks every operation of a batch on its own.
 *
 * Only fetches of the same request (request id) with the same forwarded caller meet; mutations
 * are never batched (the planner runs them in sequence anyway, and they keep their own request).
 * A batch holds at most `maxOperations` fetches, what the subgraph accepts: more fetches go as
 * several batches (each with its own context, so the statements then grow with the list).
 */
export function batchSubgraphFetches(fetcher: typeof fetch, maxOperations = MAX_BATCH_OPERATIONS): typeof fetch {
  const open = new Map<string, { input: Parameters<typeof fetch>[0]; init: RequestInit; waiting: Waiting[] }>();

  async function send(input: Parameters<typeof fetch>[0], init: RequestInit, waiting: Waiting[]): Promise<void> {
    if (waiting.length === 1) return void fetcher(input, { ...init, body: waiting[0]!.body }).then(waiting[0]!.resolve, waiting[0]!.reject);
    try {
      const response = await fetcher(input, { ...init, body: `[${waiting.map((one) => one.body).join(",")}]` });
      const text = await response.text();
      let answers: unknown;
      try {
        answers = JSON.parse(text);
      } catch {
        answers = undefined;
      }
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      // Each part is JSON, and the data source parses a body as JSON only when its type says so:
      // without this the batch's answers arrived as text (the conformance suite caught it).
      if (Array.isArray(answers)) headers.set("content-type", "application/json; charset=utf-8");
      const answerInit = { status: response.status, statusText: response.statusText, headers };
      const reply = (body: string) => new Response(body, answerInit);
      // One answer per operation, whatever the batch's status (one operation refused makes it non-2xx):
      // each fetch sees its own answer, never its siblings'.
      if (Array.isArray(answers) && answers.length === waiting.length) {
        for (const [index, one] of waiting.entries()) one.resolve(new ParsedAnswer(answers[index], answerInit));
      } else {
        // A refusal of the whole batch (401, 400, 413) is every operation's answer, as long as it
        // is not an array that could hold another fetch's data.
        const whole = Array.isArray(answers) ? JSON.stringify({ errors: [{ message: "The subgraph answered the batch with the wrong number of answers." }] }) : text;
        for (const one of waiting) one.resolve(reply(whole));
      }
    } catch (error) {
      for (const one of waiting) one.reject(error);
    }
  }

  return (input, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const requestId = headers[REQUEST_ID_HEADER];
    const body = init?.body;
    if (!init || !requestId || typeof body !== "string" || /^\{"query":"\s*mutation\b/.test(body)) return fetcher(input, init);
    const key = `${String(input)} ${requestId} ${headers.authorization ?? ""}`;
    return new Promise<Response>((resolve, reject) => {
      let batch = open.get(key);
      if (!batch) {
        const created = { input, init, waiting: [] as Waiting[] };
        open.set(key, (batch = created));
        // After every fetch the planner starts in this turn (they are started from promise jobs).
        setImmediate(() => {
          open.delete(key);
          void send(created.input, created.init, created.waiting);
        });
      }
      batch.waiting.push({ body, resolve, reject });
      // Full: the next fetch of this request starts another batch.
      if (batch.waiting.length >= maxOperations) open.delete(key);
    });
  };
}
