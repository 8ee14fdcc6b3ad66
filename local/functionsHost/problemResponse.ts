import { STATUS_CODES, type ServerResponse } from 'node:http';

/** The project's error body (ARCHITECTURE.md), for errors the host itself answers. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  invocationId?: string;
}

export function sendProblem(
  res: ServerResponse,
  problem: Problem,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({
    type: 'about:blank',
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...(problem.invocationId === undefined ? {} : { invocationId: problem.invocationId }),
  });
  res.writeHead(problem.status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
