import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { problemResponse } from '../../functions/http/problemResponse';
import { tooManyRequests } from '../../shared/errors/serviceError';

function recordingContext() {
  const lines: string[] = [];
  const context = new InvocationContext({
    invocationId: 'inv-1234',
    functionName: 'manageAudit',
    logHandler: (_level, ...args) => lines.push(args.map(String).join(' ')),
  });
  return { context, lines };
}

describe('a 500', () => {
  it('logs the name, message, stack and invocation id, with credentials scrubbed, and tells the caller nothing', () => {
    const { context, lines } = recordingContext();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ';
    const error = new TypeError(
      `Cannot read properties of null (reading 'x') near endpoint=https://a/;accesskey=${'k'.repeat(44)} token ${jwt}`,
    );
    const response = problemResponse(error, context);

    expect(response.status).toBe(500);
    const body = JSON.parse(String(response.body)) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 500, code: 'InternalError', invocationId: 'inv-1234' });
    expect(JSON.stringify(body)).not.toContain('Cannot read');

    const log = lines.join('\n');
    expect(log).toContain('TypeError');
    expect(log).toContain("Cannot read properties of null (reading 'x')");
    expect(log).toContain('inv-1234');
    expect(log).toContain('manageAudit');
    expect(log).toMatch(/\n\s+at .*problemResponse\.test\.ts/);
    expect(log).not.toContain('k'.repeat(44));
    expect(log).not.toContain(jwt);
    expect(log).toContain('accesskey=[redacted]');
  });

  it('keeps every frame of a deep checkout whole, and redacts a key on any line of a multi-line message', () => {
    const { context, lines } = recordingContext();
    const deepPath = `/${'checkout/'.repeat(8)}functions/calls.js`;
    const error = new Error(`first line\nsecond line accesskey=${'k'.repeat(44)}`);
    error.stack = `Error: first line\nsecond line accesskey=${'k'.repeat(44)}\n    at handler (${deepPath}:12:7)`;
    problemResponse(error, context);

    const log = lines.join('\n');
    expect(log).toContain(`at handler (${deepPath}:12:7)`);
    expect(log).toContain('second line accesskey=[redacted]');
    expect(log).not.toContain('k'.repeat(44));
  });

  it('is not what a ServiceError becomes: that is its own status, with nothing logged', () => {
    const { context, lines } = recordingContext();
    const response = problemResponse(
      tooManyRequests('Slow down.', { retryAfterSeconds: 2.2, code: 'X' }),
      context,
    );
    expect(response.status).toBe(429);
    expect(response.headers).toMatchObject({
      'retry-after': '3',
      'content-type': 'application/problem+json',
    });
    expect(lines).toEqual([]);
  });
});
