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
    retryAfterSeconds?: number;
    errors?: FieldProblem[];
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

export const badRequest = (detail: string, errors?: FieldProblem[], code = 'BadRequest') =>
  new ServiceError({ status: 400, code, title: 'Bad request', detail, ...(errors ? { errors } : {}) });

export const unauthorized = (detail: string) =>
  new ServiceError({ status: 401, code: 'Unauthorized', title: 'Unauthorized', detail });

export const forbidden = (detail: string, code = 'Forbidden') =>
  new ServiceError({ status: 403, code, title: 'Forbidden', detail });

export const notFound = (detail: string, code = 'NotFound') =>
  new ServiceError({ status: 404, code, title: 'Not found', detail });

export const conflict = (detail: string, code = 'Conflict') =>
  new ServiceError({ status: 409, code, title: 'Conflict', detail });

export const payloadTooLarge = (detail: string) =>
  new ServiceError({ status: 413, code: 'PayloadTooLarge', title: 'Payload too large', detail });

export const unsupportedMediaType = (detail: string) =>
  new ServiceError({ status: 415, code: 'UnsupportedMediaType', title: 'Unsupported media type', detail });

export const tooManyRequests = (detail: string, retryAfterSeconds: number, code = 'TooManyRequests') =>
  new ServiceError({ status: 429, code, title: 'Too many requests', detail, retryAfterSeconds });

export const dependencyUnavailable = (
  detail: string,
  retryAfterSeconds: number,
  code = 'DependencyUnavailable',
) => new ServiceError({ status: 503, code, title: 'Service unavailable', detail, retryAfterSeconds });
