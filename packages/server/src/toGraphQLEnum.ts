/**
 * A database enum value as the schema's enum value: `"check_in_out"` becomes `"CHECK_IN_OUT"`.
 * Typed `Uppercase<T>`, so the generated resolver types check that every value the column can
 * hold is one the GraphQL enum declares.
 */
export function toGraphQLEnum<T extends string>(value: T): Uppercase<T> {
  // lib.es5.d.ts types `toUpperCase()` as returning `string`; it returns exactly `Uppercase<T>`.
  return value.toUpperCase() as Uppercase<T>;
}
