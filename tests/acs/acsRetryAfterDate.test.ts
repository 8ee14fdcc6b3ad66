import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcsClientFactory } from '../../shared/acs/acsClientFactory';
import { createAcsIdentityGateway } from '../../shared/acs/acsIdentityGateway';
import { loadConfig } from '../../shared/config/loadConfig';

/*
 * ACS may say when to come back as an HTTP date. How long that is depends on what time it is, which is the
 * injected clock's to say: a server that answers 503 with such a date once, then creates the identity.
 */
const now = new Date('2040-01-01T00:00:00Z');
const identity = '8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002';
let server: Server;
let url = '';
let posts = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      posts += 1;
      if (posts === 1) {
        response.writeHead(503, {
          'content-type': 'application/json',
          'retry-after': new Date(now.getTime() + 3_000).toUTCString(),
        });
        response.end(JSON.stringify({ error: { code: 'ServiceUnavailable', message: 'later' } }));
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ identity: { id: identity } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a Retry-After date from ACS', () => {
  it('is read against the injected clock: the retry waits what ACS asked, not years', async () => {
    const config = loadConfig({
      AUTH_ISSUER: 'http://127.0.0.1:9/unused',
      AUTH_AUDIENCE: 'api://tests',
      TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      ACS_CONNECTION_STRING: `endpoint=${url};accesskey=${Buffer.alloc(32, 1).toString('base64')}`,
    });
    const waits: number[] = [];
    const acs = createAcsIdentityGateway(createAcsClientFactory({ connection: config.acs.connection }), {
      maxRetries: 2,
      maxDelayMs: 5_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      clock: () => now,
    });
    await expect(acs.createIdentity()).resolves.toBe(identity);
    expect(waits).toEqual([3_000]);
    expect(posts).toBe(2);
  });
});
