import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDevOrigins } from '../../local/startLocalStack';
import { startLocalService, type LocalService } from '../support/localService';

let configured: LocalService;
let localDefault: LocalService;
const appOrigin = 'https://app.contoso.example';

beforeAll(async () => {
  [configured, localDefault] = await Promise.all([
    startLocalService({ CORS_ALLOWED_ORIGINS: appOrigin }),
    startLocalService(),
  ]);
});
afterAll(async () => {
  await Promise.all([configured.stop(), localDefault.stop()]);
});

const preflight = (service: LocalService, origin: string, method = 'POST') =>
  service.request('OPTIONS', '/api/token', {
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS', () => {
  it('grants a preflight from an allowed origin for the methods of the route, never credentials', async () => {
    const response = await preflight(configured, appOrigin);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets the allowed origin read a 413 for a body over MAX_REQUEST_BODY_BYTES: the app answers it, as in Azure', async () => {
    const token = await configured.signIn('cors-large');
    const tooLarge = await configured.request('POST', '/api/token', {
      token,
      headers: { origin: appOrigin },
      body: { scopes: ['voip'], padding: 'x'.repeat(70_000) },
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ code: 'PayloadTooLarge' });
    expect(tooLarge.headers.get('access-control-allow-origin')).toBe(appOrigin);
    // A path no function serves is the host's own 404, as in Azure: no function, so no CORS headers.
    const unknown = await configured.request('GET', '/api/no-such-route', { headers: { origin: appOrigin } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants nothing to another origin, or for a method the route does not have', async () => {
    const stranger = await preflight(configured, 'https://evil.example');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const wrongMethod = await preflight(configured, appOrigin, 'DELETE');
    expect(wrongMethod.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the allowed origin read a real response, its errors and Retry-After included', async () => {
    const token = await configured.signIn('cors-user');
    const ok = await configured.request('POST', '/api/token', { token, headers: { origin: appOrigin } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
    const unauthorized = await configured.request('POST', '/api/token', { headers: { origin: appOrigin } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(appOrigin);
    const other = await configured.request('POST', '/api/token', {
      token,
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('locally, lets the usual dev-server origins in without any setting', async () => {
    const response = await preflight(localDefault, localDevOrigins[0]!);
    expect(response.headers.get('access-control-allow-origin')).toBe(localDevOrigins[0]);
  });
});
