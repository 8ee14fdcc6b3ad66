import type { HttpRequestSpec } from '../load/autocannonLoad';

/** Floors measured directly, each at the scenarios' concurrency and duration. */
export type FloorName =
  'bareHttp' | 'tableRead' | 'tableInsert' | 'partitionQuery50' | 'acsGetToken' | 'acsCreateUserAndToken';

/** One floor call the scenario cannot avoid making, in series with the others. */
export interface FloorTerm {
  floor: FloorName;
  times: number;
  why: string;
}

/** One service endpoint under load. */
export interface Scenario {
  /** Short, for `--only`. */
  id: string;
  name: string;
  /** The unavoidable serial work: the floor is the sum of these floors' p50s. */
  floor: FloorTerm[];
  /** Asked for every request, so each can be a different user or call. */
  nextRequest(): HttpRequestSpec;
  /** Whether every request should reach ACS for a token, or none should: checked against the emulator. */
  acsTokenCalls?: 'every request' | 'none';
  /** Said next to the figures, e.g. when the request pool ran out and requests repeated. */
  caveat?(): string | undefined;
}

/** A JSON request as autocannon sends it. */
export function jsonRequest(
  method: 'GET' | 'POST',
  path: string,
  bearer: string,
  body?: unknown,
): HttpRequestSpec {
  return {
    method,
    path,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}
