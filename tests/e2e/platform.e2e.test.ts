import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startAcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { startAzuriteTables } from '../../local/azurite/startAzuriteTables';
import { freePort } from '../../local/freePort';
import { repoRoot, startLocalService } from '../support/localService';
import { emulatorControl } from './emulatorControl';

const startScript = resolve(repoRoot, 'dist/local/start.js');
const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Starts the service and waits for it to exit on its own (a start-up that must fail). */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [startScript], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOCAL_IN_MEMORY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  clearTimeout(timer);
  return { code, stderr };
}

describe('health', () => {
  it('answers 503 naming the dependency that is down, with no secret', async () => {
    const tables = await startAzuriteTables();
    const emulator = await startAcsEmulator();
    const acsConnectionString = emulator.connectionString();
    // ACS is down from the start: its check is remembered for 30 s, so it cannot go down mid-test.
    await emulator.close();
    const service = await startLocalService({
      TABLES_CONNECTION_STRING: tables.connectionString,
      ACS_CONNECTION_STRING: acsConnectionString,
      ACS_MAX_RETRIES: '0',
    });
    cleanups.push(() => service.stop());

    const acsDown = await service.request<{ status: string; checks: Record<string, { status: string }> }>(
      'GET',
      '/api/health',
    );
    expect(acsDown.status).toBe(503);
    expect(acsDown.headers.get('retry-after')).toBeTruthy();
    expect(acsDown.body).toMatchObject({
      status: 'unhealthy',
      checks: { storage: { status: 'up' }, acs: { status: 'down' } },
    });

    await tables.close();
    const bothDown = await service.request<{ checks: Record<string, { status: string }> }>(
      'GET',
      '/api/health',
    );
    expect(bothDown.body.checks).toMatchObject({ storage: { status: 'down' }, acs: { status: 'down' } });
    expect(bothDown.text).not.toMatch(/accesskey|AccountKey|127\.0\.0\.1|Eby8/i);

    // With storage down, a real request is a 503 the client may retry, not a 500.
    const token = await service.signIn('alice');
    const storageDown = await service.request('POST', '/api/token', { token });
    expect(storageDown.status).toBe(503);
    expect(storageDown.headers.get('retry-after')).toBeTruthy();
  });

  it('is degraded but 200 when only Graph (an optional feature) is down, naming it', async () => {
    const service = await startLocalService({
      GRAPH_ORGANIZER_USER_ID: 'organizer@contoso.example',
      GRAPH_BASE_URL: `http://127.0.0.1:${await freePort()}/v1.0`,
    });
    cleanups.push(() => service.stop());
    const health = await service.request<{ status: string; checks: Record<string, { status: string }> }>(
      'GET',
      '/api/health',
    );
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'degraded',
      checks: { storage: { status: 'up' }, acs: { status: 'up' }, graph: { status: 'down' } },
    });
    expect((await service.request('HEAD', '/api/health')).status).toBe(200);
  });
});

describe('health of the identity provider', () => {
  it('is down, named, when OIDC discovery cannot be reached, on GET and HEAD', async () => {
    const closedPort = await freePort();
    const service = await startLocalService({ AUTH_ISSUER: `http://127.0.0.1:${closedPort}/issuer` });
    cleanups.push(() => service.stop());
    const health = await service.request<{ checks: Record<string, unknown> }>('GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.checks.identityProvider).toEqual({ status: 'down', detail: 'OIDC discovery failed' });
    expect(health.text).not.toContain(String(closedPort));
    const head = await service.request('HEAD', '/api/health');
    expect(head.status).toBe(503);
    expect(head.text).toBe('');
  });

  it('is up on the local dev issuer, and HEAD answers 200 with no body', async () => {
    const service = await startLocalService();
    cleanups.push(() => service.stop());
    const health = await service.request<{ checks: Record<string, unknown> }>('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      checks: { storage: { status: 'up' }, acs: { status: 'up' }, identityProvider: { status: 'up' } },
    });
    const head = await service.request('HEAD', '/api/health');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });
});

describe('start-up', () => {
  it('stops with a message naming a bad setting, without echoing secrets or a stack', async () => {
    const result = await failedStart({
      TOKEN_RATE_LIMIT_PER_MINUTE: 'lots',
      ACS_CONNECTION_STRING: 'sekrit-value',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TOKEN_RATE_LIMIT_PER_MINUTE');
    expect(result.stderr).not.toContain('sekrit-value');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['TABLES_CONNECTION_STRING', { TABLES_CONNECTION_STRING: 'garbage' }],
    ['ACS_CONNECTION_STRING', { ACS_CONNECTION_STRING: 'endpoint=nowhere;accesskey=c2Vrcml0' }],
  ])('names %s when it is bad, and not the file that was loading', async (setting, env) => {
    const result = await failedStart(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${setting}:`);
    expect(result.stderr).not.toContain('AUTH_ISSUER');
    expect(result.stderr).not.toMatch(/dist\/functions|\.js\b/);
    expect(result.stderr).not.toContain('c2Vrcml0');
  });

  it('names a setting that fails a cross-field rule', async () => {
    const result = await failedStart({ ACS_AUTH: 'entra' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ACS_ENDPOINT');
  });

  it('says plainly when its port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise((done) => blocker.close(done)));
    const port = (blocker.address() as { port: number }).port;
    const result = await failedStart({ PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Cannot start: port ${port}\\b.*in use`, 'i'));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('state on disk', () => {
  it('survives a restart: same identity, earlier tokens still valid, sign-in keys kept', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'acs-trusted-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // The same port both times, as `npm start` uses 7071: the dev issuer's URL is part of every token.
    const env = { LOCAL_IN_MEMORY: '0', LOCAL_DATA_DIR: dataDir, PORT: String(await freePort()) };

    const first = await startLocalService(env);
    const bearer = await first.signIn('persistent-alice');
    const issued = await first.request<{ communicationUserId: string; token: string }>('POST', '/api/token', {
      token: bearer,
    });
    expect(issued.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await startLocalService(env);
    cleanups.push(() => second.stop());
    // The dev issuer's key was kept, so a bearer token from before the restart still verifies.
    const listed = await second.request<{ identities: Array<{ communicationUserId: string }> }>(
      'GET',
      '/api/me/identities',
      {
        token: bearer,
      },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.identities.map((identity) => identity.communicationUserId)).toEqual([
      issued.body.communicationUserId,
    ]);
    expect((await emulatorControl(second.emulatorUrl!).validate(issued.body.token)).valid).toBe(true);
  });
});

describe('npm start banner', () => {
  it('prints a curl example that works as printed', async () => {
    const child = spawn(process.execPath, [startScript], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOCAL_IN_MEMORY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGINT'));
    let banner = '';
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no banner:\n${banner}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        if (banner.includes('Press Ctrl-C')) {
          clearTimeout(timer);
          done();
        }
      });
    });
    const commands = banner
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('TOKEN=') || line.startsWith('curl '));
    expect(commands).toHaveLength(2);
    const { stdout } = await run('bash', ['-c', commands.join('\n')]);
    const body = JSON.parse(stdout) as { communicationUserId: string; token: string; scopes: string[] };
    expect(body.communicationUserId).toMatch(/^8:acs:/);
    expect(body.scopes).toEqual(['voip']);

    child.kill('SIGINT');
    expect(await new Promise((done) => child.once('exit', done))).toBe(0);
  });
});
