/**
 * `derive` worked out once per facts array a request read, rather than once per decision: a
 * person's facts of one kind are one array per request (`FactLoader`), never changed once read and
 * gone with the request, so what is derived from them (the organisations an admin administers, the
 * employers that control a report, the practices treating a patient) is kept beside it, weakly.
 */
export function oncePerFacts<F extends object, R>(derive: (facts: F) => R): (facts: F) => R {
  const derived = new WeakMap<F, R>();
  return (facts) => {
    let found = derived.get(facts);
    if (found === undefined) derived.set(facts, (found = derive(facts)));
    return found;
  };
}
