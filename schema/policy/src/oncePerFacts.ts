/**
 * `derive` worked out once per facts array a request read, rather than once per decision: a
 * person's facts of one kind are one array per request (`FactLoader`), never changed once read, so
 * what is derived from them (the organisations an admin administers, the employers that control a
 * report, the practices treating a patient) is kept beside it, weakly.
 *
 * Not every array is the request's own: a person without facts of a kind gets the one frozen empty
 * array every request shares (`NONE` in createPolicyLookups.ts), and what is derived from it is kept
 * for the life of the process. So `derive` must depend on the array's contents alone, never on the
 * request, its caller or the time: anything else would carry one request's answer into the next.
 */
export function oncePerFacts<F extends object, R>(derive: (facts: F) => R): (facts: F) => R {
  const derived = new WeakMap<F, R>();
  return (facts) => {
    let found = derived.get(facts);
    if (found === undefined) derived.set(facts, (found = derive(facts)));
    return found;
  };
}
