/** A value now, or a promise of it: the policy answers at once when what it reads is at hand. */
export type Maybe<T> = T | Promise<T>;

export const isPromise = <T>(value: Maybe<T>): value is Promise<T> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/**
 * `next(value)`: at once when the value is at hand, after it otherwise. (Not named `then`: a
 * module exporting `then` is a thenable, and `await import()` of it would call it.)
 */
export function after<T, R>(value: Maybe<T>, next: (value: T) => Maybe<R>): Maybe<R> {
  return isPromise(value) ? value.then(next) : next(value);
}

/**
 * `after` for a `next` that is a function of its module rather than a closure: it is handed
 * `extra`, so a value at hand costs no allocation (the policy's hot requirements use it).
 */
export function afterWith<T, E, R>(value: Maybe<T>, extra: E, next: (value: T, extra: E) => Maybe<R>): Maybe<R> {
  return isPromise(value) ? value.then((found) => next(found, extra)) : next(value, extra);
}
