import type { HttpResponseInit } from '@azure/functions';

/** A JSON response that no cache may keep: these bodies carry tokens and personal data. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

export const noContent = (): HttpResponseInit => ({ status: 204, headers: { 'cache-control': 'no-store' } });
