import type { PolicyContext, WithPolicy } from "./PolicyContext.ts";
import type { FieldPolicy, PersonalData, PolicyAlternatives } from "./readFieldPolicies.ts";
import { after, isPromise } from "./maybe.ts";
import type { FactLoader } from "./createPolicyLookups.ts";
import type { Condition, DeclarationPart, Reads, RequirementDefinition, RequirementInput } from "./requirements.ts";

/** Finds the person a record is about: from the parent (by type) or from the arguments (root fields). */
export type SubjectOf = (parent: any, args: any, context: any) => string | null | undefined | Promise<string | null | undefined>;

/**
 * Finds the organisations that control a record (GDPR Art. 4(7)): the practice of its care
 * relationship, the organisation of its membership, or the platform (`PLATFORM_CONTROLLER`).
 */
export type ControllersOf = (parent: any, args: any, context: any) => readonly string[] | Promise<readonly string[]>;

export type Decision<T = boolean> = T | Promise<T>;

export type SettledRead = (parent: unknown, args: Record<string, unknown>, context: WithPolicy) => boolean | undefined;

export interface ReadDeciderOptions {
  policies: readonly FieldPolicy[];
  /** A requirement's definition by name (resolved once per name). */
  requirement: (name: string) => RequirementDefinition;
  subjects: Record<string, SubjectOf>;
  controllers: Record<string, ControllersOf>;
  partnerFields: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface ReadDecider {
  /**
   * Fields whose arguments can matter to their decision: a step reads them (a record condition)
   * or the field has its own subject or controllers finder. Elsewhere (`first`, `after` of a
   * list) a field decides like its record's other fields.
   */
  argumentsMatter: ReadonlySet<FieldPolicy>;
  /** Fields with the same key have the same steps, so decide alike on one record. */
  readKeys: ReadonlyMap<FieldPolicy, string>;
  /**
   * Reads that depend on the caller alone (`authenticated`, a role): decided once per request, at
   * the first field that asks, for every record alike; nothing of them is kept per record, and
   * nothing needs deciding ahead.
   */
  perRequest: ReadonlySet<FieldPolicy>;
  /** A read already decided for this record in this request, without waiting; undefined when something is still to evaluate. */
  settledRead(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined;
  /** `settledRead` for one field, resolved once (the hot path of every field answered at once). */
  settledReadOf(policy: FieldPolicy): SettledRead;
  /** A read's decision, at once when settled; evaluates (and records) whatever is still open. */
  decideRead(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): Decision;
  /** Whether `alternatives` (a write's) hold for a mutation, the subject found by `subjectFrom`'s finders. */
  decideWrite(policy: FieldPolicy, alternatives: PolicyAlternatives | null, subjectFrom: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): Decision;
  /**
   * Decides these reads of these records together, without arguments, and settles them in the
   * request's memo: every record's look-ups start in the same round (one batch per kind of
   * fact), and a round waits once for all that is pending rather than once per record. Stops
   * before an alternative that records an access, and leaves a failure, to the field's own read.
   * True when every read of every record was decided, and allowed, at once (then nothing is left
   * to ask of them: `settledAhead` would answer true for each); false when something was not;
   * a promise when something waits.
   */
  decideAhead(policies: readonly FieldPolicy[], records: readonly object[], context: WithPolicy): boolean | Promise<void>;
  /** After `decideAhead`: the read's settled answer for a record; undefined for one left to the field's own read. */
  settledAhead(policy: FieldPolicy, record: object, context: WithPolicy): boolean | undefined;
  /**
   * A root field's read, with its arguments, decided as a record's is ahead: through the
   * request's memo, shared with every record and call that agrees on what a requirement reads
   * (`reads`), and waiting once for what it waits on. Undefined where it stops: a requirement
   * that reads the call itself (a condition, a partner's field set) or records an access, or a
   * failure; the field's own read decides those (and answers every denial).
   */
  decideCall(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined | Promise<boolean | undefined>;
  /**
   * Root calls decided ahead, together, before the operation runs (`prepareRootCalls`): their
   * look-ups start in one round and are waited for once, and what they settle is in the request's
   * memo, so that each call's own `decideCall` answers at once. Decides nothing a call's own read
   * would not decide (it stops where `decideCall` stops) and never fails: what it leaves, the
   * call decides itself.
   */
  decideCallsAhead(calls: readonly RootCallOf[], context: WithPolicy): void | Promise<void>;
}

/** A root field's call: its declaration, parent and arguments (`ReadDecider.decideCallsAhead`). */
export interface RootCallOf {
  policy: FieldPolicy;
  parent: unknown;
  args: Record<string, unknown>;
}

/**
 * The read path of the policy, compiled once at start from the declarations. Reads of a record
 * share their decisions through the request's memo: a requirement that records nothing is
 * decided once per record, request and declaration, and every field of the record with the same
 * steps reuses it; one that declares what it reads (`reads`) is decided once per request for
 * all the records that agree on that (the same caller, declaration, subject and controllers give
 * the same answer). A requirement that records an access (staff reads) is evaluated for every
 * field, every time. Nothing is kept past the request: a withdrawal is seen by the next one.
 */
export function createReadDecider(options: ReadDeciderOptions): ReadDecider {
  const { requirement, partnerFields } = options;
  const subjectOf = (policy: FieldPolicy): SubjectOf | undefined => options.subjects[policy.coordinate] ?? options.subjects[policy.type];
  const controllersOf = (policy: FieldPolicy): ControllersOf | undefined => options.controllers[policy.coordinate] ?? options.controllers[policy.type];

  // Each distinct read of a type (its steps: `readKeys`) has a place in its records' decisions
  // (`RequestMemo.reads`): fields with the same steps decide alike on one record, so one field's
  // decision answers the others at once. A record's decisions are two bits per read in one small
  // integer (`READS_PER_ENTRY` reads to a map; a type with more has more maps): no object per record.
  const slots = new Map<string, number>();
  const typeSlots = new Map<string, number>();
  // Each (type, group of reads)'s map in a request's reads: an array index, not a lookup by name, on every field.
  const readMaps = new Map<string, number>();
  // Each distinct shared decision (`Step.shared`) has a place in a request's last agreements (`RequestMemo.lastAgreed`).
  const sharedIndexes = new Map<string, number>();
  // Each distinct read that depends on the caller alone has a place in a request's `callerReads`.
  const callerIndexes = new Map<string, number>();
  const plans = new Map(options.policies.map((policy) => [policy, compilePlan(policy)] as const));
  function compilePlan(policy: FieldPolicy): ReadPlan {
    // Where the record's subject and controllers come from: its type, unless the field has its own finder.
    const scope = options.subjects[policy.coordinate] || options.controllers[policy.coordinate] ? policy.coordinate : policy.type;
    const steps = policy.read.map((alternative) =>
      alternative.map((name): Step => {
        const definition = requirement(name);
        // A requirement that reads the field itself (a partner's declared fields) is shared by no other field.
        const reads = typeof definition.reads === "function" ? definition.reads(policy) : definition.reads;
        // What the decision depends on of the field's declaration: for a shared requirement, the parts it declares; else all.
        const parts = reads ? (definition.declaration ?? ALL_PARTS) : ALL_PARTS;
        // A requirement that reads no part of the declaration sees none of it, not even whether there
        // is one (`declarationView`): personal and other fields share its decision.
        const declared = parts.length === 0 ? "" : policy.personal ? parts.map((part) => policy.personal![part] ?? "").join("|") : "-";
        const shared = `${declared}|${name}`;
        if (reads && !sharedIndexes.has(shared)) sharedIndexes.set(shared, sharedIndexes.size);
        return {
          definition,
          reads,
          role: reads ? definition.role : undefined,
          key: `${definition.perField ? policy.coordinate : scope}|${definition.ofRecord ? "-" : declared}|${name}`,
          shared,
          sharedAt: reads ? sharedIndexes.get(shared)! : -1,
          view: declarationView(policy, parts),
        };
      }),
    );
    const readKey = `${policy.type}\u0000${readKeyOf(steps)}`;
    let slot = slots.get(readKey);
    if (slot === undefined) {
      slot = typeSlots.get(policy.type) ?? 0;
      typeSlots.set(policy.type, slot + 1);
      slots.set(readKey, slot);
    }
    const map = `${policy.type}\u0000${Math.floor(slot / READS_PER_ENTRY)}`;
    if (!readMaps.has(map)) readMaps.set(map, readMaps.size);
    return {
      policy,
      readsAt: readMaps.get(map)!,
      shift: (slot % READS_PER_ENTRY) * 2,
      argumentsMatter: false,
      scope,
      steps,
      recording: steps.map((alternative) => alternative.some((step) => !!step.definition.recordsAccess)),
      callerAt: steps.every((alternative) => alternative.every((step) => step.reads === "caller")) ? callerIndexOf(readKey) : -1,
      findSubject: subjectOf(policy),
      findControllers: controllersOf(policy),
    };
  }
  function callerIndexOf(readKey: string): number {
    return callerIndexes.get(readKey) ?? callerIndexes.set(readKey, callerIndexes.size).get(readKey)!;
  }

  const argumentsMatter = new Set(
    options.policies.filter(
      (policy) =>
        !!(options.subjects[policy.coordinate] || options.controllers[policy.coordinate]) ||
        // Shared, recording and per-field requirements read no arguments; a condition does.
        policy.read.some((alternative) => alternative.some((name) => { const definition = requirement(name); return !(definition.reads || definition.recordsAccess || definition.perField); })),
    ),
  );
  for (const policy of argumentsMatter) plans.get(policy)!.argumentsMatter = true;
  const readKeys = new Map(options.policies.map((policy) => [policy, readKeyOf(plans.get(policy)!.steps)] as const));

  function settledRead(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined {
    return settledPlan(plans.get(policy)!, parent, args, context);
  }

  function settledReadOf(policy: FieldPolicy): SettledRead {
    const plan = plans.get(policy)!;
    return (parent, args, context) => settledPlan(plan, parent, args, context);
  }

  function settledPlan(plan: ReadPlan, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined {
    if (typeof parent !== "object" || parent === null || (plan.argumentsMatter && hasKeys(args))) return undefined;
    if (plan.callerAt >= 0) {
      const attempt = callerRead(plan, context, requestMemo(context.policy));
      forgetWaits();
      return typeof attempt === "boolean" ? attempt : undefined;
    }
    const memo = memoOf(context.policy);
    if (!memo) return undefined;
    const known = keptRead(plan, parent, memo);
    if (known !== undefined) return known;
    const decided = fromDecisions(plan, parent, memo);
    if (decided !== undefined) keepRead(plan, parent, memo, decided);
    return decided;
  }

  /** A read from its steps' decisions on the record, where all it needs is decided. */
  function fromDecisions(plan: ReadPlan, parent: object, memo: RequestMemo): boolean | undefined {
    for (const alternative of plan.steps) {
      let all = true;
      for (const step of alternative) {
        if (step.definition.recordsAccess) return undefined;
        const decided = memo.decisions.get(step.key)?.get(parent);
        if (typeof decided !== "boolean") return undefined;
        if (!decided) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  // ---- Ahead: many records at once, synchronously round by round ----

  // Plans by the (cached, per selection) list of policies a caller decides ahead.
  const planLists = new WeakMap<readonly FieldPolicy[], ReadPlan[]>();
  function decideAhead(policies: readonly FieldPolicy[], records: readonly object[], context: WithPolicy): boolean | Promise<void> {
    if (policies.length === 0 || records.length === 0) return true;
    let list = planLists.get(policies);
    if (!list) planLists.set(policies, (list = policies.map((policy) => plans.get(policy)!)));
    const memo = requestMemo(context.policy);
    // The first round without a pair per record and read: most are decided at once.
    let open: [ReadPlan, object][] | undefined;
    let allowed = true;
    for (const record of records) {
      for (const plan of list) {
        const attempt = tryRead(plan, record, context, memo);
        if (attempt === PENDING) (open ??= []).push(revisited(plan, record, memo));
        else allowed &&= attempt === true;
      }
    }
    return next(open, context, memo) ?? (allowed && !open);
  }

  /** Waits once for everything the undecided pairs wait on, then tries those again. */
  function next(open: [ReadPlan, object][] | undefined, context: WithPolicy, memo: RequestMemo): void | Promise<void> {
    if (!open || waits.size === 0) {
      forgetWaits();
      return;
    }
    const waiting = [...waits];
    forgetWaits();
    return Promise.allSettled(waiting).then(() => {
      let still: [ReadPlan, object][] | undefined;
      for (const pair of open) if (tryRead(pair[0], pair[1], context, memo) === PENDING) (still ??= []).push(revisited(pair[0], pair[1], memo));
      return next(still, context, memo);
    });
  }

  function settledAhead(policy: FieldPolicy, record: object, context: WithPolicy): boolean | undefined {
    const attempt = tryRead(plans.get(policy)!, record, context, requestMemo(context.policy));
    forgetWaits();
    return typeof attempt === "boolean" ? attempt : undefined;
  }

  /**
   * A read of a record as far as it goes without waiting: the answer, PENDING (what it waits on
   * is added to `waits`), or STOP (an alternative that records an access, or a failure: the
   * field's own read evaluates and reports it). Alternatives and their steps are taken in order,
   * as the field's own read takes them, so no look-up starts that it would not start.
   */
  function tryRead(plan: ReadPlan, record: object, context: WithPolicy, memo: RequestMemo): Attempt {
    if (plan.callerAt >= 0) return callerRead(plan, context, memo);
    const known = keptRead(plan, record, memo);
    if (known !== undefined) return known;
    const attempt = alternativesOf(plan, record, context, memo);
    return typeof attempt === "boolean" ? keepRead(plan, record, memo, attempt) : attempt;
  }

  /**
   * A read that depends on the caller alone (`ReadDecider.perRequest`), decided once per request:
   * its alternatives in order, as `tryRead` takes them, without a record. Kept when decided.
   */
  function callerRead(plan: ReadPlan, context: WithPolicy, memo: RequestMemo): Attempt {
    const known = memo.callerReads[plan.callerAt];
    if (known !== undefined) return known;
    const attempt = alternativesOf(plan, NO_RECORD, context, memo);
    if (typeof attempt === "boolean") memo.callerReads[plan.callerAt] = attempt;
    return attempt;
  }

  /** A read's alternatives and their steps, in order, as far as they go without waiting (`tryRead`); nothing kept. */
  function alternativesOf(plan: ReadPlan, record: object, context: WithPolicy, memo: RequestMemo): Attempt {
    const { steps } = plan;
    for (let index = 0; index < steps.length; index += 1) {
      if (plan.recording[index]) return STOP;
      let all = true;
      for (const step of steps[index]!) {
        const attempt = tryStep(plan, step, record, context, memo);
        if (attempt === true) continue;
        if (attempt === false) {
          all = false;
          break;
        }
        return attempt;
      }
      if (all) return true;
    }
    return false;
  }

  function tryStep(plan: ReadPlan, step: Step, record: object, context: WithPolicy, memo: RequestMemo): Attempt {
    if (step.reads) return tryShared(plan, step, record, context, memo);
    // Most requests keep no decision of a record's own (conditions answered at once are not kept): no look-up then.
    const known = memo.decisions.size === 0 ? undefined : memo.decisions.get(step.key)?.get(record);
    if (known !== undefined) return attemptOf(known);
    // A call's own requirements read its parent and arguments: the field's own read decides them.
    if (plan.call) return STOP;
    if (step.definition.condition) {
      // A condition answered at once (a column of the record) is not kept, as a subject found at once
      // is not (`subjectIn`): asking again costs less than an entry per record for the whole request.
      const held = evaluateCondition(step.definition.condition, record);
      return typeof held === "boolean" ? held : settleIn(decisionsOf(memo, step.key), record, held);
    }
    return settleAhead(decisionsOf(memo, step.key), record, step.definition, recordInput(plan, record, context, memo));
  }

  /**
   * A shared step (`reads`) ahead: decided once for all the records that agree on what it reads,
   * kept once for them rather than per record (looking it up again costs less than a record's
   * entry, which would live, and be copied by the collector, as long as the request). The record's
   * own entry (the field's own read, `decideStep`) only ever mirrors the shared one, so it is not
   * asked. A list's next record most often agrees with the one before: the last agreement each
   * shared decision reached in this request answers it without a look-up.
   */
  function tryShared(plan: ReadPlan, step: Step, record: object, context: WithPolicy, memo: RequestMemo): Attempt {
    if (outOfRole(step, context.policy)) return false;
    let subject: string | null = null;
    let controllers: Controllers | undefined;
    if (step.reads !== "caller") {
      const found = subjectIn(plan, record, context, memo);
      if (found instanceof Failed) return STOP;
      if (isPromise(found)) return wait(found);
      subject = found;
      if (step.reads === "subject-and-controllers") {
        const of = controllersIn(plan, record, context, memo);
        if (of instanceof Failed) return STOP;
        if (isPromise(of)) return wait(of);
        controllers = of;
      }
    }
    const last = memo.lastAgreed[step.sharedAt];
    if (last !== undefined && last.subject === subject && last.controllers === controllers) return last.held;
    const by = agreementOf(step.reads, subject, controllers);
    const shared = sharedOf(memo, step.shared);
    const agreed = shared.get(by);
    const attempt = agreed !== undefined ? attemptOf(agreed) : settleAhead(shared, by, step.definition, declaredInput(step, memo, subject, controllers));
    if (typeof attempt === "boolean") {
      if (last === undefined) memo.lastAgreed[step.sharedAt] = { subject, controllers, held: attempt };
      else {
        last.subject = subject;
        last.controllers = controllers;
        last.held = attempt;
      }
    }
    return attempt;
  }

  /**
   * What a requirement decided for one record sees (`tryStep`). Its own function: closures over
   * `tryStep`'s parameters would make V8 allocate a context on every call of `tryStep`, most of
   * which never get here.
   */
  function recordInput(plan: ReadPlan, record: object, context: WithPolicy, memo: RequestMemo): RequirementInput {
    return {
      policy: memo.unrecording,
      field: plan.policy,
      parent: record,
      args: NO_ARGUMENTS,
      mode: "read",
      partnerFields,
      subject: () => valueOf(subjectIn(plan, record, context, memo)),
      controllers: () => after(valueOf(controllersIn(plan, record, context, memo)), (found) => found.list),
    };
  }

  /**
   * The record's subject in this request. A finder's answer at once (a column of the record) is
   * kept for the last record asked about only: finding it again costs less than an entry per
   * record for the whole request. One it waits for, or a failure, is kept per record and scope.
   */
  function subjectIn(plan: ReadPlan, record: object, context: WithPolicy, memo: RequestMemo): Found<string | null> {
    // A record's shared steps ask one after another (`self`, then `care-team`): the last answer at once serves them all.
    const last = memo.lastSubject;
    if (last.record === record && last.scope === plan.scope) return last.subject;
    const known = memo.subjects.size === 0 ? undefined : memo.subjects.get(plan.scope)?.get(record);
    if (known !== undefined) return known;
    try {
      const value = plan.findSubject?.(record, NO_ARGUMENTS, context);
      if (!isPromise(value)) {
        last.record = record;
        last.scope = plan.scope;
        return (last.subject = value ?? null);
      }
      return pendingIn(factsOf(memo.subjects, plan.scope), record, value.then((subject) => subject ?? null));
    } catch (error) {
      const failed = new Failed(error);
      factsOf(memo.subjects, plan.scope).set(record, failed);
      return failed;
    }
  }

  /**
   * The record's controllers in this request. A finder's answer at once is kept for the last
   * record asked about only: a record's reads are tried one after another (`decideAhead`), and an
   * entry per record would live, and be copied by the collector, as long as the request. One it
   * waits for, or a failure, is kept per record and scope. A list's records that name the same
   * controllers as the record before share one `Controllers` (and its agreements).
   */
  function controllersIn(plan: ReadPlan, record: object, context: WithPolicy, memo: RequestMemo): Found<Controllers> {
    const last = memo.lastControllers;
    if (last.record === record && last.scope === plan.scope) return last.controllers!;
    const known = memo.controllers.size === 0 ? undefined : memo.controllers.get(plan.scope)?.get(record);
    if (known !== undefined) return known;
    try {
      const value = plan.findControllers?.(record, NO_ARGUMENTS, context) ?? [];
      if (!isPromise(value)) {
        const controllers = sameList(lastControllers.list, value) ? lastControllers : (lastControllers = controllersFrom(value));
        last.record = record;
        last.scope = plan.scope;
        last.controllers = controllers;
        return controllers;
      }
      return pendingIn(factsOf(memo.controllers, plan.scope), record, value.then((list) => controllersFrom(list ?? [])));
    } catch (error) {
      const failed = new Failed(error);
      factsOf(memo.controllers, plan.scope).set(record, failed);
      return failed;
    }
  }

  /**
   * A read to try again once what it waits on is in: the controllers just found for its record
   * (`controllersIn`'s last) are kept for that record, so that the next pass, which comes back to
   * it after the list's other records, does not work them out again.
   */
  function revisited(plan: ReadPlan, record: object, memo: RequestMemo): [ReadPlan, object] {
    const last = memo.lastControllers;
    if (last.record === record) factsOf(memo.controllers, last.scope!).set(record, last.controllers!);
    return [plan, record];
  }

  /** What a shared decision's requirement sees: what it declares it reads, and nothing else (touching more throws: it fails closed). */
  function declaredInput(step: Step, memo: RequestMemo, subject: string | null, controllers: Controllers | undefined): RequirementInput {
    const reads = step.reads!;
    return new DeclaredInput(
      memo.unrecording,
      step.view,
      partnerFields,
      reads === "caller" ? REFUSED_SUBJECT : subjectAnswer(subject),
      controllers ? (controllers.answer ??= () => controllers.list) : REFUSED_CONTROLLERS[reads],
      reads,
    );
  }

  // ---- Root fields: a call (its parent and arguments) decided as a record is ahead ----

  const callPlans = new Map<FieldPolicy, ReadPlan>();
  function callPlanOf(policy: FieldPolicy): ReadPlan {
    let plan = callPlans.get(policy);
    if (!plan) {
      const record = plans.get(policy)!;
      const { findSubject, findControllers } = record;
      callPlans.set(
        policy,
        (plan = {
          ...record,
          call: true,
          // The finders see the call's parent and arguments, as the field's own read gives them.
          findSubject: findSubject && ((call: RootCall, _: unknown, context: unknown) => findSubject(call.parent, call.args, context)),
          findControllers: findControllers && ((call: RootCall, _: unknown, context: unknown) => findControllers(call.parent, call.args, context)),
        }),
      );
    }
    return plan;
  }

  function decideCall(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined | Promise<boolean | undefined> {
    return callAttempt(callPlanOf(policy), new RootCall(parent, args), context, requestMemo(context.policy));
  }

  function decideCallsAhead(calls: readonly RootCallOf[], context: WithPolicy): void | Promise<void> {
    if (calls.length === 0) return;
    const memo = requestMemo(context.policy);
    let open: [ReadPlan, object][] | undefined;
    for (const call of calls) {
      const plan = callPlanOf(call.policy);
      const record = new RootCall(call.parent, call.args);
      if (tryRead(plan, record, context, memo) === PENDING) (open ??= []).push(revisited(plan, record, memo));
    }
    return next(open, context, memo);
  }

  /** The call's read as far as it goes; where it waits, once more when what it waits on is in. */
  function callAttempt(plan: ReadPlan, call: RootCall, context: WithPolicy, memo: RequestMemo): boolean | undefined | Promise<boolean | undefined> {
    const attempt = tryRead(plan, call, context, memo);
    if (attempt !== PENDING) {
      forgetWaits();
      return attempt === STOP ? undefined : attempt;
    }
    const waiting = waits.size === 1 ? waits.values().next().value! : Promise.allSettled(waits);
    forgetWaits();
    const again = () => callAttempt(plan, call, context, memo);
    return waiting.then(again, again);
  }

  // ---- One field, one record: fields with arguments that matter, recorded accesses, writes, what the above leave ----

  function decideRead(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): Decision {
    return settledRead(policy, parent, args, context) ?? holds(plans.get(policy)!.steps, policy, policy, parent, args, context, "read");
  }

  // Write alternatives have no memo keys: a write is decided per field, every time.
  const writeSteps = new WeakMap<PolicyAlternatives, Step[][]>();
  function decideWrite(policy: FieldPolicy, alternatives: PolicyAlternatives | null, subjectFrom: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): Decision {
    if (!alternatives) return false;
    let steps = writeSteps.get(alternatives);
    if (!steps) writeSteps.set(alternatives, (steps = alternatives.map((alternative) => alternative.map((name) => ({ definition: requirement(name), reads: undefined, role: undefined, key: "", shared: "", sharedAt: -1, view: policy })))));
    return holds(steps, policy, subjectFrom, parent, args, context, "write");
  }

  function holds(steps: Step[][], policy: FieldPolicy, subjectFrom: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy, mode: "read" | "write"): Decision {
    const memo = mode === "read" && subjectFrom === policy && typeof parent === "object" && parent !== null ? requestMemo(context.policy) : undefined;
    // Where a field's arguments matter, a field with arguments decides alone: its decisions are its own.
    const prefix = memo && argumentsMatter.has(policy) && hasKeys(args) ? `${policy.coordinate}|${JSON.stringify(args)}|` : "";
    const reading: Reading = { plan: plans.get(subjectFrom)!, policy, subjectFrom, parent, args, context, mode, memo, prefix };
    return decideFrom(reading, steps, 0, 0);
  }

  /** The alternatives from alternative `from`, step `position` on: synchronous as long as every decision is made. */
  function decideFrom(reading: Reading, steps: Step[][], from: number, position: number): Decision {
    for (let index = from; index < steps.length; index += 1, position = 0) {
      const alternative = steps[index]!;
      let all = true;
      for (let at = position; at < alternative.length; at += 1) {
        const decided = decideStep(reading, alternative[at]!);
        if (typeof decided !== "boolean") {
          return decided.then((held) => (held ? decideFrom(reading, steps, index, at + 1) : decideFrom(reading, steps, index + 1, 0)));
        }
        if (!decided) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  function decideStep(reading: Reading, step: Step): Decision {
    const { definition } = step;
    const { memo } = reading;
    if (!memo || definition.recordsAccess) return definition.evaluate(inputOf(reading));
    const decisions = decisionsOf(memo, reading.prefix ? reading.prefix + step.key : step.key);
    const record = reading.parent as object;
    const known = decisions.get(record);
    if (known !== undefined) return decisionOf(known);
    if (!step.reads) return remember(decisions, record, definition.evaluate({ ...inputOf(reading), policy: memo.unrecording }));
    if (outOfRole(step, reading.context.policy)) return false;
    return remember(decisions, record, sharedDecision(reading, step, memo));
  }

  /** A decision shared by the records that agree on what the requirement reads (see `tryStep`), for one record. */
  async function sharedDecision(reading: Reading, step: Step, memo: RequestMemo): Promise<boolean> {
    const reads = step.reads!;
    const subject = reads === "caller" ? null : await subjectOfReading(reading);
    const controllers = reads === "subject-and-controllers" ? await controllersOfReading(reading) : undefined;
    const by = agreementOf(reads, subject, controllers);
    const shared = sharedOf(memo, step.shared);
    const agreed = shared.get(by);
    if (agreed !== undefined) return decisionOf(agreed);
    return remember(shared, by, evaluate(step.definition, declaredInput(step, memo, subject, controllers)));
  }

  /** The record's subject, found once per reading (once per record and request where the arguments cannot matter). */
  function subjectOfReading(reading: Reading): string | null | Promise<string | null> {
    if (reading.subject === undefined) {
      if (reading.memo && !reading.prefix) {
        const found = subjectIn(reading.plan, reading.parent as object, reading.context, reading.memo);
        reading.subject = found instanceof Failed ? Promise.reject(found.error) : found;
      } else {
        const found = reading.plan.findSubject?.(reading.parent, reading.args, reading.context);
        reading.subject = isPromise(found) ? found.then((value) => value ?? null) : (found ?? null);
      }
    }
    return reading.subject;
  }

  function controllersOfReading(reading: Reading): Controllers | Promise<Controllers> {
    if (reading.controllers === undefined) {
      if (reading.memo && !reading.prefix) {
        const found = controllersIn(reading.plan, reading.parent as object, reading.context, reading.memo);
        reading.controllers = found instanceof Failed ? Promise.reject(found.error) : found;
      } else {
        const found = reading.plan.findControllers?.(reading.parent, reading.args, reading.context) ?? [];
        reading.controllers = isPromise(found) ? found.then((list) => controllersFrom(list ?? [])) : controllersFrom(found);
      }
    }
    return reading.controllers;
  }

  /** What a requirement sees of a reading, made when one is first evaluated. */
  function inputOf(reading: Reading): RequirementInput {
    return (reading.input ??= {
      policy: reading.context.policy,
      field: reading.policy,
      parent: reading.parent,
      args: reading.args,
      mode: reading.mode,
      partnerFields,
      subject: () => subjectOfReading(reading),
      controllers: () => after(controllersOfReading(reading), (found) => found.list),
    });
  }

  const perRequest = new Set(options.policies.filter((policy) => plans.get(policy)!.callerAt >= 0));
  return { argumentsMatter, readKeys, perRequest, settledRead, settledReadOf, decideRead, decideWrite, decideAhead, settledAhead, decideCall, decideCallsAhead };
}

/** A requirement for one role (`RequirementDefinition.role`), asked for another caller: false for every record, unevaluated. */
const outOfRole = (step: Step, policy: PolicyContext) => step.role !== undefined && policy.caller?.role !== step.role;

/** What a read's decision depends on: its steps, alternative by alternative (`ReadDecider.readKeys`). */
const readKeyOf = (steps: readonly (readonly Step[])[]) => steps.map((alternative) => alternative.map((step) => step.key).join("&")).join("|");

const undeclared = (reads: Reads, what: string) => new Error(`A requirement that declares it reads the ${reads} read the record's ${what}: correct its \`reads\`.`);

/**
 * A shared decision's input (`declaredInput`). A class rather than an object literal with
 * getters: the refusals sit once on the prototype instead of being defined on every one of the
 * hundreds of inputs a list request makes.
 */
class DeclaredInput implements RequirementInput {
  readonly mode = "read" as const;
  constructor(
    readonly policy: PolicyContext,
    readonly field: FieldPolicy,
    readonly partnerFields: ReadonlyMap<string, ReadonlySet<string>>,
    readonly subject: () => string | null,
    readonly controllers: () => readonly string[],
    private readonly reads: Reads,
  ) {}
  get parent(): unknown {
    throw undeclared(this.reads, "parent");
  }
  get args(): Record<string, unknown> {
    throw undeclared(this.reads, "arguments");
  }
}

/** What a requirement that declares it reads `reads` may not ask for: asking fails closed. */
const refused =
  (reads: Reads, what: string) =>
  (): never => {
    throw undeclared(reads, what);
  };
/** A requirement that declares it reads only the caller, asking for the record's subject. */
const REFUSED_SUBJECT = refused("caller", "subject");
/** A requirement that does not declare it reads the controllers, asking for them. */
const REFUSED_CONTROLLERS: Record<Reads, () => never> = {
  caller: refused("caller", "controllers"),
  subject: refused("subject", "controllers"),
  "subject-and-controllers": refused("subject-and-controllers", "controllers"),
};

/**
 * What records agree on when they share a decision of a requirement that reads `reads`
 * (`tryStep`, `sharedDecision`): nothing (the caller alone), their subject, or their subject and
 * controllers.
 */
function agreementOf(reads: Reads | undefined, subject: string | null, controllers: Controllers | undefined): string {
  if (reads === "caller") return "";
  if (!controllers) return subject ?? NOBODY;
  // Made once per run of records with the same subject and controllers, not once per record.
  if (controllers.subject !== subject || controllers.agreement === undefined) {
    controllers.subject = subject;
    controllers.agreement = `${subject ?? NOBODY}|${controllers.key}`;
  }
  return controllers.agreement;
}

const PENDING = Symbol("pending");
const STOP = Symbol("stop");
/** A read as far as it got without waiting (`tryRead`). */
type Attempt = boolean | typeof PENDING | typeof STOP;

/** An evaluation or finder that threw or rejected: kept so the request does not try it again, reported by the field's own read. */
class Failed {
  constructor(readonly error: unknown) {}
}

/** The subject key of records about nobody (or nobody known): apart from every person's. */
const NOBODY = "\u0000";
const NO_ARGUMENTS: Record<string, unknown> = Object.freeze({});
/** The record a read that depends on the caller alone is decided on (`callerRead`): none of its requirements reads it. */
const NO_RECORD: object = Object.freeze({});

interface Controllers {
  list: readonly string[];
  /** `RequirementInput.controllers` for every shared decision made with these controllers: made once, not per decision. */
  answer?: () => readonly string[];
  /** The list joined: what records that agree on their controllers share. */
  key: string;
  /** The last agreement made with these controllers (`agreementOf`), and its subject. */
  subject: string | null | undefined;
  agreement: string | undefined;
}
const controllersFrom = (list: readonly string[]): Controllers => ({ list, answer: undefined, key: list.join(","), subject: undefined, agreement: undefined });

/**
 * `RequirementInput.subject` for a shared decision about `subject`: the last one made is used
 * again while the subject is the same (a person's reads are decided one after another), rather
 * than a closure per decision. A value (a person id), the same in any request.
 */
let lastSubject: { subject: string | null; answer: () => string | null } = { subject: null, answer: () => null };
function subjectAnswer(subject: string | null): () => string | null {
  if (lastSubject.subject !== subject) lastSubject = { subject, answer: () => subject };
  return lastSubject.answer;
}
/**
 * The controllers last found at once (`controllersIn`): the next record of a list most often
 * names the same, and then shares this one. A value (organisation ids), the same in any request.
 */
let lastControllers = controllersFrom([]);

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/** A read's requirements, compiled at start. */
interface ReadPlan {
  policy: FieldPolicy;
  /** The map of the request's reads that holds its records' decision (`RequestMemo.reads`). */
  readsAt: number;
  /** Where in a record's entry of that map: its two bits (shared by fields with the same steps). */
  shift: number;
  /** See `ReadDecider.argumentsMatter`. */
  argumentsMatter: boolean;
  /** Whose finders give the record's subject and controllers: the field's own coordinate or its type. */
  scope: string;
  steps: Step[][];
  /** Per alternative: whether it records an access (never decided ahead, never shared). */
  recording: boolean[];
  /** A read that depends on the caller alone: its place in a request's `callerReads`; -1 otherwise. */
  callerAt: number;
  findSubject: SubjectOf | undefined;
  findControllers: ControllersOf | undefined;
  /** A root field's plan (`decideCall`): its records are calls. */
  call?: true;
}

/** One root field's call, the record its read is decided on (`decideCall`): one per call, never shared. */
class RootCall {
  constructor(
    readonly parent: unknown,
    readonly args: Record<string, unknown>,
  ) {}
}

/** A requirement of a read: its memo key per record (`key`) and across records (`shared`, see `reads`). */
interface Step {
  definition: RequirementDefinition;
  /** What its decision is shared by, for this field's declaration; undefined: the record's own. */
  reads: Reads | undefined;
  /** A shared requirement's one role (`RequirementDefinition.role`): false at once for any other caller. */
  role: string | undefined;
  key: string;
  shared: string;
  /** A shared step's place in a request's last agreements (`RequestMemo.lastAgreed`); -1 for a record's own. */
  sharedAt: number;
  /** The field as a shared decision sees it: the declared parts of its declaration, nothing else. */
  view: FieldPolicy;
}

const ALL_PARTS: readonly DeclarationPart[] = ["category", "basis", "purpose", "controller"];

/**
 * The field as a shared decision sees it, built once at start: its declaration's declared parts
 * (whether it is personal, and those parts; with no part declared, nothing of the declaration, not
 * even whether there is one, so personal and other fields share it). Touching any other part of the field or its
 * declaration throws: the read fails closed. Plain frozen objects whose other properties are
 * accessors that throw, rather than proxies: a proxy's trap costs every evaluation (hundreds a
 * list request) far more than a property of an object of one shape.
 */
function declarationView(policy: FieldPolicy, parts: readonly DeclarationPart[]): FieldPolicy {
  const refusing = (what: string): PropertyDescriptor => ({
    get: () => {
      throw new Error(`A requirement decided for every record that agrees on what it declares it reads read the field's ${what}: correct its \`reads\` or \`declaration\`.`);
    },
  });
  if (parts.length === 0) {
    const field: PropertyDescriptorMap = {};
    for (const key of Object.keys(policy)) field[key] = refusing(key === "personal" ? "declaration" : key);
    if (!("personal" in field)) field.personal = refusing("declaration");
    return Object.freeze(Object.defineProperties({}, field)) as FieldPolicy;
  }
  let personal: PersonalData | null = null;
  if (policy.personal) {
    const declared: PropertyDescriptorMap = {};
    for (const part of new Set([...Object.keys(policy.personal), ...ALL_PARTS]) as Set<keyof PersonalData>) {
      declared[part] = parts.includes(part as DeclarationPart) ? { value: policy.personal[part], enumerable: true } : refusing(`declared ${part}`);
    }
    personal = Object.freeze(Object.defineProperties({}, declared)) as PersonalData;
  }
  const field: PropertyDescriptorMap = { personal: { value: personal, enumerable: true } };
  for (const key of Object.keys(policy)) if (key !== "personal") field[key] = refusing(key);
  return Object.freeze(Object.defineProperties({}, field)) as FieldPolicy;
}

/** One decision in progress on the slow path: a policy read (or written) on one record. */
interface Reading {
  plan: ReadPlan;
  policy: FieldPolicy;
  subjectFrom: FieldPolicy;
  parent: unknown;
  args: Record<string, unknown>;
  context: WithPolicy;
  mode: "read" | "write";
  memo: RequestMemo | undefined;
  /** Set for a field with arguments that matter: its decisions are its own. */
  prefix: string;
  subject?: string | null | Promise<string | null>;
  controllers?: Controllers | Promise<Controllers>;
  input?: RequirementInput;
}

type Slot = boolean | Promise<boolean> | Failed;
type Found<T> = T | Promise<T> | Failed;

/**
 * Per request (per PolicyContext, which a request's context holds). Maps, not WeakMaps, inside:
 * they live as long as their request, and weak entries cost the collector more.
 */
interface RequestMemo {
  /**
   * By type (and group of its reads: `ReadPlan.readsAt`), then record: each read's decision, two
   * bits at the read's `shift` (0: not decided, 1: denied, 2: allowed).
   */
  reads: (Map<object, number> | undefined)[];
  /** By step key, then record: one map per kind of decision rather than one per record. */
  decisions: Map<string, Map<object, Slot>>;
  /** By step's shared key, then what the records agree on (subject, controllers). */
  shared: Map<string, Map<string, Slot>>;
  /**
   * By shared decision (`Step.sharedAt`): the last agreement it reached ahead in this request and
   * its answer (`tryShared`). Only answers made, never a pending or failed one.
   */
  lastAgreed: ({ subject: string | null; controllers: Controllers | undefined; held: boolean } | undefined)[];
  /** By read that depends on the caller alone (`ReadPlan.callerAt`): its decision in this request. */
  callerReads: (boolean | undefined)[];
  /** By scope, then record. */
  subjects: Map<string, Map<object, Found<string | null>>>;
  controllers: Map<string, Map<object, Found<Controllers>>>;
  /** The controllers a finder answered at once for the last record asked about (`controllersIn`). */
  lastControllers: { record: object | undefined; scope: string | undefined; controllers: Controllers | undefined };
  /** The subject a finder answered at once for the last record asked about (`subjectIn`). */
  lastSubject: { record: object | undefined; scope: string | undefined; subject: string | null };
  /** The request's policy context, except that recording an access is refused (see `requestMemo`). */
  unrecording: PolicyContext;
}
/**
 * Where a request's memo is kept: on its policy context itself, under a symbol of this module's,
 * not enumerable (a copy of the context, such as `unrecording`, does not take it along). It goes
 * when its context goes; before, a module-level "last memo" (to spare a WeakMap look-up per field)
 * held the last request's memo, and the rows its reads were kept for, until another request asked,
 * and made an object each time two requests in flight took turns.
 */
const MEMO = Symbol("request memo");
type Memoised = PolicyContext & { [MEMO]?: RequestMemo };
function memoOf(policy: PolicyContext): RequestMemo | undefined {
  return (policy as Memoised)[MEMO];
}

/**
 * The request's memo. Requirements decided once per record see a `recordStaffAccess` that
 * fails, so a requirement that records but does not say so (`recordsAccess`) is refused, not
 * under-recorded.
 */
function requestMemo(policy: PolicyContext): RequestMemo {
  let memo = memoOf(policy);
  if (!memo) {
    const refuse = { load: () => Promise.reject(new Error("A requirement decided once per record tried to record an access: declare it `recordsAccess`.")) };
    memo = {
      reads: [],
      lastAgreed: [],
      callerReads: [],
      decisions: new Map(),
      shared: new Map(),
      subjects: new Map(),
      controllers: new Map(),
      lastControllers: { record: undefined, scope: undefined, controllers: undefined },
      lastSubject: { record: undefined, scope: undefined, subject: null },
      unrecording: {
        ...policy,
        lookups: {
          ...policy.lookups,
          careRelationshipsOf: suspending(policy.lookups.careRelationshipsOf),
          membershipsOf: suspending(policy.lookups.membershipsOf),
          consentsOf: suspending(policy.lookups.consentsOf),
          instructionsFor: suspending(policy.lookups.instructionsFor),
          openCasesOf: suspending(policy.lookups.openCasesOf),
          recordStaffAccess: refuse as unknown as PolicyContext["lookups"]["recordStaffAccess"],
        },
      },
    };
    Object.defineProperty(policy, MEMO, { value: memo, enumerable: false, writable: false, configurable: false });
  }
  return memo;
}

/**
 * What the reads tried in one synchronous pass wait on (`wait`), emptied by that pass (`next`,
 * `settledAhead`): one set for the process, as a pass never yields.
 */
const waits = new Set<Promise<unknown>>();
/** Empties `waits`, only when it holds something: clearing a Set allocates its table anew, and most passes wait on nothing. */
function forgetWaits() {
  if (waits.size > 0) waits.clear();
}

/**
 * Ahead, a requirement is evaluated as far as the facts at hand take it (`evaluateAhead`): a fact
 * not yet read starts its look-up, is waited on by the pass (`waits`), and stops the evaluation
 * (`NOT_YET`); the next pass evaluates it again, at once. No promise chain per evaluation: the
 * 50 subjects of a list wait on one statement, not on 50 chains of `then`s. Elsewhere (the
 * field's own read, and anything a requirement asks for after a promise of its own) `get` is as
 * it is: a promise while the fact is read.
 */
let suspended = false;
const NOT_YET: unique symbol = Symbol("not yet");

function suspending<T>(loader: FactLoader<T>): FactLoader<T> {
  // Whom an evaluation has already stopped for: it stops once per person. A look-up that failed
  // (or a loader that cannot answer at once) is then a promise again, and fails the evaluation
  // as the field's own read would, rather than stopping it pass after pass.
  const stopped = new Set<string>();
  return {
    load: (personId) => loader.load(personId),
    get(personId) {
      if (!loader.get) return loader.load(personId);
      const found = loader.get(personId);
      if (!suspended || !isPromise(found) || stopped.has(personId)) return found;
      stopped.add(personId);
      waits.add(found);
      throw NOT_YET;
    },
  };
}

/** A requirement as far as the facts at hand take it; a throw (other than `NOT_YET`) becomes a rejection. */
function evaluateAhead(definition: RequirementDefinition, input: RequirementInput): Decision | typeof NOT_YET {
  suspended = true;
  try {
    return definition.evaluate(input);
  } catch (error) {
    return error === NOT_YET ? NOT_YET : Promise.reject(error);
  } finally {
    suspended = false;
  }
}

/**
 * Evaluates a requirement ahead and keeps the outcome in a slot (`settleIn`). Stopped for a fact
 * not yet read, it is PENDING and keeps nothing: the next pass evaluates it again. An `async`
 * requirement turns that stop into a rejection; it is then evaluated again as the field's own
 * read would, so nothing else that waits on the slot ever sees it.
 */
function settleAhead<K>(slots: Map<K, Slot>, key: K, definition: RequirementDefinition, input: RequirementInput): Attempt {
  const decision = evaluateAhead(definition, input);
  if (decision === NOT_YET) return PENDING;
  if (typeof decision === "boolean") return settleIn(slots, key, decision);
  return settleIn(slots, key, decision.then(undefined, (error: unknown) => (error === NOT_YET ? evaluate(definition, input) : Promise.reject(error))));
}

/** Reads of one type kept in one integer per record: two bits each, within a small integer's 30. */
const READS_PER_ENTRY = 15;

/** The read's decision kept for the record in this request; undefined when none is. */
function keptRead(plan: ReadPlan, record: object, memo: RequestMemo): boolean | undefined {
  const bits = memo.reads[plan.readsAt]?.get(record);
  if (bits === undefined) return undefined;
  const state = (bits >> plan.shift) & 3;
  return state === 0 ? undefined : state === 2;
}

/** Keeps a read's decision for the record: later fields with this read answer from it at once. */
function keepRead(plan: ReadPlan, record: object, memo: RequestMemo, decided: boolean): boolean {
  // A root call is decided once, by its own field: nothing would read its entry again.
  if (plan.call) return decided;
  const byRecord = (memo.reads[plan.readsAt] ??= new Map());
  byRecord.set(record, ((byRecord.get(record) ?? 0) & ~(3 << plan.shift)) | ((decided ? 2 : 1) << plan.shift));
  return decided;
}

const decisionsOf = (memo: RequestMemo, key: string) => memo.decisions.get(key) ?? memo.decisions.set(key, new Map()).get(key)!;
const sharedOf = (memo: RequestMemo, key: string) => memo.shared.get(key) ?? memo.shared.set(key, new Map()).get(key)!;
const factsOf = <T>(facts: Map<string, Map<object, T>>, scope: string) => facts.get(scope) ?? facts.set(scope, new Map()).get(scope)!;

/** Evaluates a requirement: a throw becomes a rejection, as an async requirement's would. */
function evaluate(definition: RequirementDefinition, input: RequirementInput): Decision {
  try {
    return definition.evaluate(input);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A record condition on the record alone (decided ahead without arguments); a throw becomes a rejection. */
function evaluateCondition(condition: Condition, record: object): Decision {
  try {
    return condition(record, NO_ARGUMENTS);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Keeps an evaluation in a slot: its answer when made at once, else the promise until it settles, then its answer or its failure. */
function settleIn<K>(slots: Map<K, Slot>, key: K, decision: Decision): Attempt {
  if (typeof decision === "boolean") {
    slots.set(key, decision);
    return decision;
  }
  return wait(pendingIn(slots, key, decision));
}

/** Keeps a decision in a memo: the promise while it is pending, the answer (or failure) once made. */
function remember<K>(slots: Map<K, Slot>, key: K, decision: Decision): Decision {
  if (typeof decision !== "boolean") return pendingIn(slots, key, decision);
  slots.set(key, decision);
  return decision;
}

/** Keeps a pending decision or finder's answer under its key: the promise, then its answer or its failure. */
function pendingIn<K, T>(slots: Map<K, Found<T>>, key: K, found: Promise<T>): Promise<T> {
  const pending = found.then(
    (value) => {
      slots.set(key, value);
      return value;
    },
    (error: unknown) => {
      slots.set(key, new Failed(error));
      throw error;
    },
  );
  slots.set(key, pending);
  return pending;
}

function attemptOf(slot: Slot): Attempt {
  if (typeof slot === "boolean") return slot;
  if (slot instanceof Failed) return STOP;
  return wait(slot);
}

function wait(pending: Promise<unknown>): typeof PENDING {
  waits.add(pending);
  return PENDING;
}

const decisionOf = (slot: Slot): Decision => (slot instanceof Failed ? Promise.reject(slot.error) : slot);
/** A finder's answer as a requirement reads it: a failure throws (the evaluation fails closed). */
function valueOf<T>(found: Found<T>): T | Promise<T> {
  if (found instanceof Failed) throw found.error;
  return found;
}

function hasKeys(record: Record<string, unknown>): boolean {
  for (const _ in record) return true;
  return false;
}
