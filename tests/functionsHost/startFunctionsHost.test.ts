import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';

const APP_ROOT = path.resolve(__dirname, '../fixtures/functionsHost');
const MAX_BODY = 16 * 1024;

const fixtureEvents = (): string[] =>
  ((globalThis as { __functionsHostFixtureEvents?: string[] }).__functionsHostFixtureEvents ??= []);

let host: FunctionsHost;
const logLines: string[] = [];

beforeAll(async () => {
  host = await startFunctionsHost({
    appRoot: APP_ROOT,
    maxRequestBodyBytes: MAX_BODY,
    log: (line) => logLines.push(line),
    mounts: [
      {
        pathPrefix: '/dev',
        handle(req, res) {
          if (req.url === '/dev/throw') throw new Error('mount failure');
          res.writeHead(200, { 'content-type': 'text/plain' }).end(`dev mount saw ${req.url}`);
        },
      },
    ],
  });
});

afterAll(async () => {
  await host?.close();
});

interface Echo {
  functionName: string;
  invocationId: string;
  triggerType: string;
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  tags: string[];
  header: string | null;
  cookie: string | null;
}

async function getEcho(pathAndQuery: string, init?: RequestInit): Promise<Echo> {
  const response = await fetch(`${host.url}${pathAndQuery}`, init);
  expect(response.status, pathAndQuery).toBe(200);
  return (await response.json()) as Echo;
}

async function expectProblem(
  response: Response,
  status: number,
  code: string,
): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ type: 'about:blank', status, code });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  return problem;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** POSTs the chunks with Transfer-Encoding: chunked (no Content-Length), pausing between them. */
function postChunked(pathname: string, chunks: Buffer[], pauseMs = 5): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${host.url}${pathname}`, { method: 'POST', agent: false }, (res) => {
      const received: Buffer[] = [];
      res.on('data', (chunk: Buffer) => received.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(received).toString(),
        }),
      );
    });
    req.on('error', reject);
    void (async () => {
      for (const chunk of chunks) {
        if (!req.write(chunk)) await once(req, 'drain');
        await sleep(pauseMs);
      }
      req.end();
    })();
  });
}

describe('loading the app', () => {
  it('serves exactly what the app registered, with default route and methods, and ran appStart first', () => {
    const byName = new Map(host.functions.map((fn) => [fn.name, fn]));
    expect(byName.get('defaults')).toEqual({ name: 'defaults', route: 'defaults', methods: ['GET', 'POST'] });
    expect(byName.get('item')).toEqual({ name: 'item', route: 'items/{id:int}', methods: ['GET'] });
    expect(host.routePrefix).toBe('api');
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fixtureEvents()[0]).toBe('appStart');
  });
});

describe('routing', () => {
  it('passes route params, percent-decoded, with optional and catch-all params', async () => {
    expect((await getEcho('/api/greet/J%C3%BCrgen%20X/hi%3F')).params).toEqual({
      name: 'Jürgen X',
      suffix: 'hi?',
    });
    expect((await getEcho('/api/greet/bob')).params).toEqual({ name: 'bob' });
    expect((await getEcho('/api/files/a/b%20c/d.txt')).params).toEqual({ path: 'a/b c/d.txt' });
    expect((await getEcho('/api/files')).params).toEqual({});
    expect((await getEcho('/api/calls/a%2Fb')).params).toEqual({ id: 'a/b' });
  });

  it('honours constraints: a non-int id does not match an {id:int} route', async () => {
    expect((await getEcho('/api/items/42')).params).toEqual({ id: '42' });
    await expectProblem(await fetch(`${host.url}/api/items/abc`), 404, 'NotFound');
    await expectProblem(await fetch(`${host.url}/api/items/99999999999`), 404, 'NotFound');
    const ok = await getEcho('/api/flags/TRUE/6f9619ff-8b86-d011-b42d-00c04fc964ff/abc');
    expect(ok.functionName).toBe('flag');
    await expectProblem(
      await fetch(`${host.url}/api/flags/yes/6f9619ff-8b86-d011-b42d-00c04fc964ff/abc`),
      404,
      'NotFound',
    );
  });

  it('prefers literal segments over parameters, whatever the registration order, case-insensitively', async () => {
    expect((await getEcho('/api/calls/mine')).functionName).toBe('myCalls');
    expect((await getEcho('/API/Calls/MINE/')).functionName).toBe('myCalls');
    expect((await getEcho('/api/calls/other')).functionName).toBe('callById');
  });

  it('answers 404 problem+json for an unknown path, outside the prefix too', async () => {
    await expectProblem(await fetch(`${host.url}/api/nope`), 404, 'NotFound');
    await expectProblem(await fetch(`${host.url}/defaults`), 404, 'NotFound');
  });

  it('answers 405 with Allow when the route exists for other methods', async () => {
    const response = await fetch(`${host.url}/api/things/1`);
    await expectProblem(response, 405, 'MethodNotAllowed');
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'PATCH']);
    expect((await fetch(`${host.url}/api/things/1`, { method: 'DELETE' })).status).toBe(204);
    expect((await getEcho('/api/things/1', { method: 'PATCH' })).functionName).toBe('patchThing');
  });

  it('sends mounted prefixes to their handler before functions, and only whole segments', async () => {
    const response = await fetch(`${host.url}/dev/token?x=1`);
    expect(await response.text()).toBe('dev mount saw /dev/token?x=1');
    expect(response.headers.get('x-invocation-id')).toMatch(/^[0-9a-f-]{36}$/);
    await expectProblem(await fetch(`${host.url}/devices`), 404, 'NotFound');
    await expectProblem(await fetch(`${host.url}/dev/throw`), 500, 'InternalError');
  });
});

describe('requests', () => {
  it('gives the function its method, full url, query and headers, cookies included', async () => {
    const echo = await getEcho('/api/defaults?x=1&tag=a&tag=b', {
      headers: { 'x-test': 'hello', cookie: 'session=abc; theme=dark' },
    });
    expect(echo).toMatchObject({
      functionName: 'defaults',
      triggerType: 'httpTrigger',
      method: 'GET',
      url: `${host.url}/api/defaults?x=1&tag=a&tag=b`,
      query: { x: '1', tag: 'b' },
      tags: ['a', 'b'],
      header: 'hello',
      cookie: 'session=abc; theme=dark',
    });
    expect((await getEcho('/api/defaults', { method: 'POST' })).method).toBe('POST');
  });

  it('echoes a JSON body', async () => {
    const response = await fetch(`${host.url}/api/echo/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['chat', 'voip'], nested: { n: 1 } }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ received: { scopes: ['chat', 'voip'], nested: { n: 1 } } });
  });

  it('reads a chunked (streamed) body in full', async () => {
    const chunks = ['first-', 'second-', 'third'].map((text) => Buffer.from(text));
    const response = await postChunked('/api/echo/text', chunks);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ length: 18, head: 'first-second-thi' });
  });

  it('round-trips a binary body byte for byte', async () => {
    const bytes = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);
    const response = await fetch(`${host.url}/api/echo/binary`, { method: 'POST', body: bytes });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it('refuses a body over the limit by Content-Length with 413, without running the function', async () => {
    const response = await fetch(`${host.url}/api/echo/text`, {
      method: 'POST',
      body: 'x'.repeat(MAX_BODY + 1),
    });
    await expectProblem(response, 413, 'PayloadTooLarge');
    const invocationId = response.headers.get('x-invocation-id');
    expect(logLines.some((line) => line.includes(`[${invocationId}] echoText`))).toBe(false);
  });

  it('refuses a chunked body with 413 as soon as it passes the limit', async () => {
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(4096, 'y'));
    const response = await postChunked('/api/echo/text', chunks);
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    const invocationId = String(response.headers['x-invocation-id']);
    expect(logLines.some((line) => line.includes(`[${invocationId}] echoText`))).toBe(false);
    // A body exactly at the limit is fine.
    const atLimit = await postChunked('/api/echo/text', [Buffer.alloc(MAX_BODY, 'z')]);
    expect(JSON.parse(atLimit.body)).toMatchObject({ length: MAX_BODY });
  });
});

describe('responses', () => {
  it('writes cookies as Set-Cookie headers', async () => {
    const response = await fetch(`${host.url}/api/cookies`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('cookies set');
    expect(response.headers.getSetCookie()).toEqual([
      'session=abc%20123; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=Lax',
      'theme=dark',
    ]);
  });

  it('streams a stream body', async () => {
    const response = await fetch(`${host.url}/api/stream`);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(await response.text()).toBe('one two three');
  });

  it('answers 204 when the handler returns nothing', async () => {
    const response = await fetch(`${host.url}/api/nothing`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('runs preInvocation and postInvocation hooks around the handler', async () => {
    expect(await (await fetch(`${host.url}/api/hooked`)).json()).toEqual({
      fromHandler: true,
      wrappedByPre: true,
      seenByPost: true,
    });
  });
});

describe('failures', () => {
  it.each(['/api/boom', '/api/boom/async', '/api/boom/cookie'])(
    '%s becomes a 500 problem+json with the invocation id and nothing else',
    async (pathname) => {
      const response = await fetch(`${host.url}${pathname}`);
      const invocationId = response.headers.get('x-invocation-id');
      expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
      const problem = await expectProblem(response, 500, 'InternalError');
      expect(problem.invocationId).toBe(invocationId);
      const text = JSON.stringify(problem);
      expect(text).not.toMatch(/secret|detail that|bad name|at .*\.js/);
      expect(logLines.some((line) => line.includes(invocationId ?? '?') && line.includes(' failed: '))).toBe(
        true,
      );
    },
  );
});

describe('logging', () => {
  it('logs one line per request without the query string, and function logs under the invocation id', async () => {
    const response = await fetch(`${host.url}/api/chatty?access_token=SECRET`, {
      headers: { authorization: 'Bearer SECRET' },
    });
    expect(await response.text()).toBe('logged');
    const id = response.headers.get('x-invocation-id') ?? '?';
    // The request line is written when the response closes: wait for that, not for a fixed time.
    await vi.waitFor(() =>
      expect(logLines.some((line) => line.endsWith(id) && line.startsWith('GET '))).toBe(true),
    );
    expect(logLines).toContain(`[${id}] chatty: hello from chatty`);
    expect(logLines).toContain(`[${id}] chatty warning: careful`);
    expect(logLines).toContain(`[${id}] chatty error: something odd`);
    const requestLines = logLines.filter((line) => line.endsWith(id) && line.startsWith('GET '));
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatch(new RegExp(`^GET /api/chatty 200 \\d+ms ${id}$`));
    expect(logLines.join('\n')).not.toContain('SECRET');
  });
});

describe('concurrency', () => {
  it('serves many requests in flight at once, each with its own params and invocation', async () => {
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => fetch(`${host.url}/api/slow/req-${i}?ms=${100 - (i % 5) * 20}`)),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ id: string }>;
    expect(bodies.map((body) => body.id)).toEqual(Array.from({ length: 40 }, (_, i) => `req-${i}`));
    expect(new Set(responses.map((r) => r.headers.get('x-invocation-id'))).size).toBe(40);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('a second host in the same process', () => {
  it('loads the app again, serves it, and runs appTerminate on close', async () => {
    const second = await startFunctionsHost({ appRoot: APP_ROOT, log: () => undefined });
    try {
      expect(second.functions).toEqual(host.functions);
      expect((await fetch(`${second.url}/api/calls/mine`)).status).toBe(200);
      expect((await fetch(`${host.url}/api/calls/mine`)).status).toBe(200);
    } finally {
      await second.close();
    }
    expect(fixtureEvents().filter((event) => event === 'appStart')).toHaveLength(2);
    expect(fixtureEvents()).toContain('appTerminate:start');
    await second.close(); // closing twice is harmless
  });
});

describe('startup failures', () => {
  it('rejects when package.json "main" matches no file', async () => {
    const appRoot = path.join(APP_ROOT, 'brokenLoad');
    await expect(startFunctionsHost({ appRoot, log: () => undefined })).rejects.toThrow(
      /"main" \(dist\/\*\.js\) matches no file/,
    );
  });

  it('rejects, and frees the port, when an appStart hook fails', async () => {
    const port = await freePort();
    const appRoot = path.join(APP_ROOT, 'brokenStart');
    await expect(startFunctionsHost({ appRoot, port, log: () => undefined })).rejects.toThrow(
      'an appStart hook failed: cannot reach storage',
    );
    const again = createServer();
    await new Promise<void>((resolve, reject) =>
      again.once('error', reject).listen(port, '127.0.0.1', resolve),
    );
    again.close();
  });
});
