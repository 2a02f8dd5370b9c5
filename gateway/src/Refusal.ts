/**
 * A request the gateway answers itself, before planning or executing anything: the HTTP
 * status, and one GraphQL error whose `extensions.code` is stable for clients to branch on.
 */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** The JSON body of a refusal, shaped as a GraphQL response. */
export function refusalBody(refusal: Refusal): { errors: { message: string; extensions: { code: string } }[] } {
  return { errors: [{ message: refusal.message, extensions: { code: refusal.code } }] };
}
