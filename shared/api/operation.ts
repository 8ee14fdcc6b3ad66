import type { z } from 'zod';
import type { RouteBudget } from '../budgets/callerBudgets';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call an operation. `user`: any caller with a verified bearer token; `admin`: the admin role;
 * `acsCallback` and `incomingCall`: ACS itself (its signed callback JWT) and Event Grid (an Entra token with
 * the incoming-call role), never a user.
 */
export type Access = 'anonymous' | 'user' | 'admin' | 'acsCallback' | 'incomingCall';

/** Statuses an operation may answer with a problem, beyond those its access and inputs imply. */
export type ProblemStatus = 400 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/** Who sends a replayed example request: nobody (no token), a signed-in user, an admin. */
export type ExampleCaller = 'none' | 'user' | 'admin';

/**
 * A request that gets a documented problem from a fresh service: the OpenAPI document carries it, and a
 * test replays it against the running server.
 */
export interface ProblemExample {
  status: 400 | 401 | 403 | 404 | 413 | 415;
  code: string;
  summary: string;
  caller: ExampleCaller;
  /** Values for the route's parameters; the operation's `exampleParams` fill the rest. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Sent as is with this content type, instead of `body` as JSON. */
  rawBody?: { contentType: string; text: string };
}

type Schema = z.ZodType;

export interface Operation<
  Params extends Schema | undefined = Schema | undefined,
  Query extends Schema | undefined = Schema | undefined,
  Body extends Schema | undefined = Schema | undefined,
  Response extends Schema | undefined = Schema | undefined,
  A extends Access = Access,
> {
  /** The function's name in Azure and the OpenAPI operationId. */
  name: string;
  method: HttpMethod;
  /** Below the route prefix (`api`), in the Functions route template syntax: `calls/{id}`. */
  route: string;
  /** Also answers HEAD (GET operations only): monitors probe with it. */
  head?: boolean;
  access: A;
  summary: string;
  /** Route parameters, by name; every `{name}` in the route has one. */
  params?: Params;
  /** Query parameters arrive as strings: their schemas coerce. */
  query?: Query;
  body?: Body;
  /** A body may be left out (an empty body then parses as `{}`). */
  bodyOptional?: boolean;
  response: { status: 200 | 201 | 202 | 204; description: string; schema?: Response };
  /** Problem statuses beyond 400/413/415 (inputs), 401 (signed-in), 403 (admin) and 429 (budget). */
  problems?: readonly ProblemStatus[];
  /**
   * The caller's budget it spends: `acs` (calls reaching ACS or Graph), `pstn` (phone calls) and
   * `incomingCalls` (Event Grid's deliveries) are taken once per request before the handler; `tokens` is
   * taken by the token service for each token ACS issues.
   */
  budget?: RouteBudget | 'tokens';
  /** Valid-looking route parameter values, for replayed examples of problems that precede lookups. */
  exampleParams?: Record<string, string>;
  examples?: readonly ProblemExample[];
}

/** Declares an operation once; the functions register it and the OpenAPI document describes it. */
export function defineOperation<
  Params extends Schema | undefined = undefined,
  Query extends Schema | undefined = undefined,
  Body extends Schema | undefined = undefined,
  Response extends Schema | undefined = undefined,
  A extends Access = Access,
>(operation: Operation<Params, Query, Body, Response, A>): Operation<Params, Query, Body, Response, A> {
  return operation;
}

type Parsed<S> = S extends Schema ? z.output<S> : undefined;
type Sent<S> = S extends Schema ? z.input<S> : void;
type Slot = Schema | undefined;

export type OperationParams<Op> = Op extends Operation<infer P, Slot, Slot, Slot, Access> ? Parsed<P> : never;
export type OperationQuery<Op> = Op extends Operation<Slot, infer Q, Slot, Slot, Access> ? Parsed<Q> : never;
export type OperationBody<Op> = Op extends Operation<Slot, Slot, infer B, Slot, Access> ? Parsed<B> : never;
/** What the handler answers with on success: the response body as it is sent. */
export type OperationResult<Op> = Op extends Operation<Slot, Slot, Slot, infer R, Access> ? Sent<R> : never;
export type OperationAccess<Op> = Op extends Operation<Slot, Slot, Slot, Slot, infer A> ? A : never;
