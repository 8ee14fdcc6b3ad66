/** One field of a 400: where in the request, and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * A problem+json answer of the service (RFC 9457), as an exception. Branch on `code`: it is stable, while
 * `detail` is prose for people.
 */
export class AcsTrustedServiceError extends Error {
  override readonly name = 'AcsTrustedServiceError';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldProblem[];
  /** From Retry-After on a 429 or 503: how long the service asked to wait. */
  readonly retryAfterSeconds: number | undefined;
  /** On a 500: quote it to the operator, who finds the fault in the log by it. */
  readonly invocationId: string | undefined;
  readonly operation: string;

  constructor(init: {
    operation: string;
    status: number;
    code: string;
    title: string;
    detail: string;
    errors?: readonly FieldProblem[] | undefined;
    retryAfterSeconds?: number | undefined;
    invocationId?: string | undefined;
  }) {
    super(`${init.operation}: ${init.status} ${init.code}: ${init.detail}`);
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.invocationId = init.invocationId;
  }
}

/** True for an error the service answered with, optionally with one of the given codes. */
export function isAcsTrustedServiceError(
  error: unknown,
  ...codes: string[]
): error is AcsTrustedServiceError {
  return error instanceof AcsTrustedServiceError && (codes.length === 0 || codes.includes(error.code));
}
