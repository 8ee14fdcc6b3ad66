import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

/** The Host header check as `npm start` runs it: dev sign-in included, LOCAL_ALLOWED_HOSTS honoured. */
let service: LocalService;

beforeAll(async () => {
  service = await startLocalService({ LOCAL_ALLOWED_HOSTS: 'devbox.example.test' });
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

function post(
  pathname: string,
  hostHeader: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const url = new URL(service.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(url.port),
        path: pathname,
        method: 'POST',
        headers: { host: hostHeader, 'content-type': 'application/json' },
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('npm start behind a rebound name', () => {
  it('mints no admin token for Host: evil.example, and does for localhost and the configured name', async () => {
    const port = new URL(service.url).port;
    const admin = { sub: 'mallory', roles: ['admin'] };
    const refused = await post('/dev/token', `evil.example:${port}`, admin);
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('access_token');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'HostNotAllowed' });
    expect((await post('/api/token', `evil.example:${port}`, {})).status).toBe(403);

    for (const hostHeader of [`localhost:${port}`, `devbox.example.test:${port}`]) {
      const minted = await post('/dev/token', hostHeader, admin);
      expect(minted.status, hostHeader).toBe(200);
      expect(JSON.parse(minted.body)).toHaveProperty('access_token');
    }
  });
});
