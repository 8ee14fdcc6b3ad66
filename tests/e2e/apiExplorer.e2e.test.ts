import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

let local: LocalService;
let deployedDefault: LocalService;

beforeAll(async () => {
  [local, deployedDefault] = await Promise.all([
    startLocalService(),
    startLocalService({ API_EXPLORER_ENABLED: 'false' }),
  ]);
});
afterAll(async () => {
  await Promise.all([local.stop(), deployedDefault.stop()]);
});

describe('the API explorer', () => {
  it('serves Swagger UI at /api/docs/ under npm start, pointed at this API’s document', async () => {
    const redirect = await fetch(`${local.url}/api/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/api/docs/');

    const page = await local.request('GET', '/api/docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    for (const asset of [...page.text.matchAll(/(?:src|href)="\.?\/?([^"]+)"/g)].map((m) => m[1]!)) {
      expect((await local.request('GET', `/api/docs/${asset}`)).status, asset).toBe(200);
    }
    const initializer = await local.request('GET', '/api/docs/swagger-initializer.js');
    expect(initializer.text).toContain("url: '../openapi.json'");
    expect((await local.request('GET', '/api/openapi.json')).status).toBe(200);
  });

  it('serves only the files of the explorer, by name', async () => {
    for (const path of ['package.json', 'oauth2-redirect.html', '..%2F..%2Fpackage.json', 'a/b']) {
      const response = await local.request('GET', `/api/docs/${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('is off unless API_EXPLORER_ENABLED is set, as in Azure by default', async () => {
    const response = await deployedDefault.request('GET', '/api/docs/');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'ApiExplorerDisabled' });
  });
});
