import type { operations } from './generated/openapi.js';
import type { operationTable } from './generated/operationTable.js';

/** The name of an operation a client calls: the OpenAPI operationId. */
export type OperationName = keyof typeof operationTable;

type Declared<N extends OperationName> = operations[N];
type Nothing = Record<never, never>;
type JsonOf<Content> = Content extends { content: { 'application/json': infer Json } } ? Json : never;

export type OperationPathParams<N extends OperationName> = NonNullable<Declared<N>['parameters']['path']>;
export type OperationQuery<N extends OperationName> = NonNullable<Declared<N>['parameters']['query']>;
export type OperationBody<N extends OperationName> = JsonOf<NonNullable<Declared<N>['requestBody']>>;

type PathInput<N extends OperationName> = [OperationPathParams<N>] extends [never]
  ? Nothing
  : { params: OperationPathParams<N> };
type QueryInput<N extends OperationName> = [OperationQuery<N>] extends [never]
  ? Nothing
  : Nothing extends OperationQuery<N>
    ? { query?: OperationQuery<N> }
    : { query: OperationQuery<N> };
type BodyInput<N extends OperationName> = [OperationBody<N>] extends [never]
  ? Nothing
  : undefined extends Declared<N>['requestBody']
    ? { body?: OperationBody<N> }
    : { body: OperationBody<N> };

/** What a call of an operation takes: its route parameters, query and body, as the document declares them. */
export type OperationInput<N extends OperationName> = PathInput<N> &
  QueryInput<N> &
  BodyInput<N> & {
    /** Cancels the request, and any wait before a retry. */
    signal?: AbortSignal;
  };

type Responses<N extends OperationName> = Declared<N>['responses'];

/** What an operation answers with on success (`undefined` for 204). */
export type OperationResult<N extends OperationName> =
  Responses<N> extends { 200: infer Ok }
    ? JsonOf<Ok>
    : Responses<N> extends { 201: infer Created }
      ? JsonOf<Created>
      : Responses<N> extends { 202: infer Accepted }
        ? JsonOf<Accepted>
        : undefined;

/** An operation as a method: the input may be left out when nothing in it is required. */
export type OperationMethod<N extends OperationName> =
  Nothing extends OperationInput<N>
    ? (input?: OperationInput<N>) => Promise<OperationResult<N>>
    : (input: OperationInput<N>) => Promise<OperationResult<N>>;
