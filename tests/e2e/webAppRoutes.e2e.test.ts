import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

let local: LocalService;
let switchedOff: LocalService;

beforeAll(async () => {
  [local, switchedOff] = await Promise.all([
    startLocalService(),
    startLocalService({ WEB_APP_ENABLED: 'false' }),
  ]);
});
afterAll(async () => {
  await Promise.all([local.stop(), switchedOff.stop()]);
});

describe('the web app’s routes', () => {
  it('serve the page at /api/app/ with its security headers, and its settings without a secret', async () => {
    const redirect = await fetch(`${local.url}/api/app`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/api/app/');

    const page = await local.request('GET', '/api/app/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const settings = await local.request('GET', '/api/app/settings.json');
    expect(settings.status).toBe(200);
    expect(settings.body).toEqual({ signIn: { kind: 'dev', tokenPath: '/dev/token' }, media: 'emulator' });
    expect(settings.text).not.toMatch(/accesskey|AccountKey|eyJ/i);
  });

  it('serve nothing but the web app’s own files, by name: 404 problem+json, and 400 for a name too long', async () => {
    for (const path of [
      'app.js',
      '..%2Fapp.js',
      '..%2F..%2Fpackage.json',
      'main.js.map',
      'a/b',
      '.hidden.js',
    ]) {
      const response = await local.request('GET', `/api/app/${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('application/problem+json');
    }
    const tooLong = await local.request('GET', `/api/app/${'a'.repeat(65)}.js`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'ValidationFailed' });
  });

  it('are off where WEB_APP_ENABLED is false: the page and its settings are 404', async () => {
    for (const path of ['/api/app/', '/api/app/settings.json', '/api/app/main.js']) {
      const response = await switchedOff.request('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toMatchObject({ code: 'WebAppDisabled' });
    }
  });
});
