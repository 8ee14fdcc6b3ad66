import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';
import { repoRoot } from '../support/localService';

let host: FunctionsHost;

beforeAll(async () => {
  // The app reads its settings when it loads; none of these is contacted by this test.
  Object.assign(process.env, {
    AUTH_ISSUER: 'http://127.0.0.1:9/unused',
    AUTH_AUDIENCE: 'api://tests',
    TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true;TableEndpoint=http://127.0.0.1:9/devstoreaccount1',
    ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=AAAA',
  });
  host = await startFunctionsHost({ appRoot: repoRoot, log: () => undefined });
});
afterAll(() => host?.close());

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document that lists every route the app registers, with its methods', async () => {
    const response = await fetch(`${host.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');

    const registered = host.functions.flatMap((fn) =>
      fn.methods.map(
        (method) => `${method.toLowerCase()} /api/${fn.route.replace(/\{\*?(\w+)[^}]*\}/g, '{$1}')}`,
      ),
    );
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(registered.length).toBeGreaterThan(15);
    expect(documented.sort()).toEqual(registered.sort());
  });

  it('describes request bodies with the schemas that validate them', async () => {
    const document = (await (await fetch(`${host.url}/api/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
      >;
    };
    const schema = document.paths['/api/token']?.post?.requestBody?.content['application/json']?.schema as {
      properties: Record<string, { minimum?: number; maximum?: number; items?: { enum: string[] } }>;
      additionalProperties: boolean;
    };
    expect(schema.properties.expiresInMinutes).toMatchObject({ minimum: 60, maximum: 1440 });
    expect(schema.properties.scopes?.items?.enum).toEqual([
      'chat',
      'chat.join',
      'chat.join.limited',
      'voip',
      'voip.join',
    ]);
    expect(schema.additionalProperties).toBe(false);
  });
});
