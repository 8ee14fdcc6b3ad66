import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AcsTrustedServiceError, createAcsTrustedClient } from 'acs-trusted-client';
import { afterEach, describe, expect, it } from 'vitest';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Array<{ close(): void }> = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** What a proxy or gateway in front of the service may answer: a wire-level stand-in. */
async function gateway(answers: Answer[]): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    (answers[requests.length - 1] ?? answers.at(-1)!)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('answers that are not the service’s own', () => {
  it('turns a gateway’s HTML error into a typed error, not a JSON parse failure', async () => {
    const { url } = await gateway([
      (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
    ]);
    const client = createAcsTrustedClient({ baseUrl: url, getBearerToken: () => 'bearer-1' });
    const error = await client.listMyIdentities().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AcsTrustedServiceError);
    expect(error).toMatchObject({ status: 502, code: 'UnexpectedResponse', operation: 'listMyIdentities' });
  });

  it('reads Retry-After as an HTTP date, asks for the bearer again on the retry, and encodes route parameters', async () => {
    let bearer = 'bearer-1';
    const { url, requests } = await gateway([
      (_req, res) =>
        res
          .writeHead(503, {
            'content-type': 'application/problem+json',
            'retry-after': new Date(Date.now() + 3_000).toUTCString(),
          })
          .end(
            JSON.stringify({
              status: 503,
              code: 'StorageUnavailable',
              title: 'Unavailable',
              detail: 'Later.',
            }),
          ),
      (_req, res) => res.writeHead(204).end(),
    ]);
    const waits: number[] = [];
    const client = createAcsTrustedClient({
      baseUrl: `${url}/`,
      getBearerToken: () => bearer,
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
        bearer = 'bearer-2';
      },
    });
    await expect(
      client.removeMyIdentity({ params: { communicationUserId: '8:acs:a/b?c' } }),
    ).resolves.toBeUndefined();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2_000);
    expect(waits[0]).toBeLessThanOrEqual(3_000);
    expect(requests).toEqual([
      'DELETE /api/me/identities/8%3Aacs%3Aa%2Fb%3Fc Bearer bearer-1',
      'DELETE /api/me/identities/8%3Aacs%3Aa%2Fb%3Fc Bearer bearer-2',
    ]);
  });
});
