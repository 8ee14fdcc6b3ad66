import type { ServerResponse } from 'node:http';
import type { AcsError } from './acsError';

/** What a route answers; the dispatcher alone writes it to the socket. */
export interface EmulatorResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function acsErrorResponse(error: AcsError): EmulatorResponse {
  return {
    status: error.status,
    body: { error: { code: error.code, message: error.message } },
    // ACS repeats the code in a header; the Rooms SDK maps it into RestError details.
    headers: { 'x-ms-error-code': error.code, ...error.headers },
  };
}

export function sendResponse(res: ServerResponse, response: EmulatorResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const payload = JSON.stringify(response.body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers).end(payload);
}
