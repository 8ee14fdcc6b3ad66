export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * An error whose meaning the caller should see: it carries the HTTP status and a stable code.
 * Anything that is not a ServiceError is an unexpected fault and is reported as 500 with no detail.
 */
export class ServiceError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly retryAfterSeconds?: number;
  readonly errors?: FieldProblem[];

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    retryAfterSeconds?: number | undefined;
    errors?: FieldProblem[] | undefined;
  }) {
    super(init.detail);
    this.name = 'ServiceError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.errors !== undefined) this.errors = init.errors;
  }

  get detail(): string {
    return this.message;
  }
}

/** The stable code clients branch on; each factory has a generic default. */
export interface ProblemOptions {
  code?: string;
}

export interface RetryableProblemOptions extends ProblemOptions {
  /** Sent as Retry-After. */
  retryAfterSeconds: number;
}

export const badRequest = (detail: string, options: ProblemOptions & { errors?: FieldProblem[] } = {}) =>
  new ServiceError({
    status: 400,
    code: options.code ?? 'BadRequest',
    title: 'Bad request',
    detail,
    errors: options.errors,
  });

export const unauthorized = (detail: string) =>
  new ServiceError({ status: 401, code: 'Unauthorized', title: 'Unauthorized', detail });

export const forbidden = (detail: string, options: ProblemOptions = {}) =>
  new ServiceError({ status: 403, code: options.code ?? 'Forbidden', title: 'Forbidden', detail });

export const notFound = (detail: string, options: ProblemOptions = {}) =>
  new ServiceError({ status: 404, code: options.code ?? 'NotFound', title: 'Not found', detail });

export const conflict = (detail: string, options: ProblemOptions = {}) =>
  new ServiceError({ status: 409, code: options.code ?? 'Conflict', title: 'Conflict', detail });

export const payloadTooLarge = (detail: string) =>
  new ServiceError({ status: 413, code: 'PayloadTooLarge', title: 'Payload too large', detail });

export const unsupportedMediaType = (detail: string) =>
  new ServiceError({ status: 415, code: 'UnsupportedMediaType', title: 'Unsupported media type', detail });

export const tooManyRequests = (detail: string, options: RetryableProblemOptions) =>
  new ServiceError({
    status: 429,
    code: options.code ?? 'TooManyRequests',
    title: 'Too many requests',
    detail,
    retryAfterSeconds: options.retryAfterSeconds,
  });

export const dependencyUnavailable = (detail: string, options: RetryableProblemOptions) =>
  new ServiceError({
    status: 503,
    code: options.code ?? 'DependencyUnavailable',
    title: 'Service unavailable',
    detail,
    retryAfterSeconds: options.retryAfterSeconds,
  });
