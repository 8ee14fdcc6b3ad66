import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';

/**
 * DNS rebinding: a page on evil.example re-points its own name at 127.0.0.1 and calls the local host,
 * which mints admin tokens at /dev. The browser still sends `Host: evil.example`, so the host answers
 * only loopback names and the names it was told to allow, before any routing.
 */
const APP_ROOT = path.resolve(__dirname, '../fixtures/functionsHost');

let host: FunctionsHost;
let port: number;
let devMountCalls = 0;
const logLines: string[] = [];

beforeAll(async () => {
  host = await startFunctionsHost({
    appRoot: APP_ROOT,
    allowedHosts: ['dev.example.test'],
    log: (line) => logLines.push(line),
    mounts: [
      {
        pathPrefix: '/dev',
        handle(_req, res) {
          devMountCalls += 1;
          res.writeHead(200, { 'content-type': 'text/plain' }).end('dev token');
        },
      },
    ],
  });
  port = Number(new URL(host.url).port);
});

afterAll(async () => {
  await host?.close();
});

interface RawResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** `fetch` will not send a Host header of our choosing; node:http will. */
function get(pathname: string, hostHeader: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: pathname, headers: { host: hostHeader }, agent: false },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the Host header check', () => {
  it('refuses a rebound name with 403 problem+json, for functions and for /dev, running neither', async () => {
    const before = logLines.filter((line) => line.includes('chatty:')).length;
    for (const pathname of ['/api/chatty', '/dev/token']) {
      const response = await get(pathname, `evil.example:${port}`);
      expect(response.status, pathname).toBe(403);
      expect(response.contentType).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({ status: 403, code: 'HostNotAllowed' });
      expect(response.body).not.toContain('evil.example');
    }
    expect(devMountCalls).toBe(0);
    expect(logLines.filter((line) => line.includes('chatty:')).length).toBe(before);
  });

  it('refuses look-alikes and malformed values', async () => {
    for (const hostHeader of [
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      'evil.example',
      'localhost@evil.example',
      'localhost/evil',
      '[::2]',
    ]) {
      expect((await get('/api/chatty', hostHeader)).status, hostHeader).toBe(403);
    }
  });

  it('refuses a request with no Host header at all (HTTP/1.0)', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.end('GET /dev/token HTTP/1.0\r\n\r\n');
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    await once(socket, 'close');
    expect(reply).toMatch(/^HTTP\/1\.1 403 /);
    expect(devMountCalls).toBe(0);
  });

  it('answers loopback names, with or without the port, and the configured name', async () => {
    for (const hostHeader of [
      `localhost:${port}`,
      'localhost',
      `LOCALHOST.:${port}`,
      `127.0.0.1:${port}`,
      '127.1.2.3',
      `[::1]:${port}`,
      `app.localhost:${port}`,
      `dev.example.test:${port}`,
    ]) {
      const response = await get('/api/chatty', hostHeader);
      expect(response.status, hostHeader).toBe(200);
      expect(response.body).toBe('logged');
    }
    expect((await get('/dev/token', `localhost:${port}`)).body).toBe('dev token');
  });
});
