/**
 * An error the emulator answers with, in the shape ACS uses: `{ error: { code, message } }`.
 * Route handlers throw it; the dispatcher turns it into the response.
 */
export class AcsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AcsError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message: string, code = 'BadRequest') => new AcsError(400, code, message);

export const validationError = (message: string) => new AcsError(400, 'ValidationError', message);

export const unauthorized = (message: string, code = 'Denied') => new AcsError(401, code, message);

export const notFound = (message: string, code = 'NotFound') => new AcsError(404, code, message);
