import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';
import { emulatorControl } from './emulatorControl';

let service: LocalService;
let emulator: ReturnType<typeof emulatorControl>;
let alice: string;
let bob: string;
let admin: string;
const issuedTokens: string[] = [];

beforeAll(async () => {
  service = await startLocalService({ ACS_MAX_RETRY_DELAY_MS: '200', TEAMS_APP_ID: 'teams-app-1' });
  emulator = emulatorControl(service.emulatorUrl!);
  alice = await service.signIn('alice', { oid: 'aad-alice' });
  bob = await service.signIn('bob');
  admin = await service.signIn('root', { roles: ['admin'] });
});
afterAll(async () => {
  await service.stop();
});

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: unknown[];
};
type Issued = { communicationUserId: string; token: string; expiresOn: string; scopes: string[] };

async function token(caller: string, body?: unknown) {
  const response = await service.request<Issued>('POST', '/api/token', {
    token: caller,
    ...(body !== undefined ? { body } : {}),
  });
  if (response.status === 200) issuedTokens.push(response.body.token);
  return response;
}

function expectProblem(response: { status: number; headers: Headers; body: unknown }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    code: expect.any(String),
  });
}

describe('POST /api/token', () => {
  it('issues a voip token valid for 24 hours by default, for an identity created on first use', async () => {
    const response = await token(alice);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body.scopes).toEqual(['voip']);
    const validation = await emulator.validate(response.body.token);
    expect(validation).toMatchObject({
      valid: true,
      communicationUserId: response.body.communicationUserId,
      scopes: ['voip'],
    });
    const minutesLeft = (Date.parse(validation.expiresOn!) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(1438);
    expect(minutesLeft).toBeLessThanOrEqual(1440);
    expect((await token(alice)).body.communicationUserId).toBe(response.body.communicationUserId);
  });

  it('issues exactly the scopes and expiry asked for', async () => {
    const response = await token(alice, { scopes: ['chat', 'voip'], expiresInMinutes: 60 });
    expect(response.status).toBe(200);
    const validation = await emulator.validate(response.body.token);
    expect(validation.scopes?.sort()).toEqual(['chat', 'voip']);
    const minutesLeft = (Date.parse(validation.expiresOn!) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(58);
    expect(minutesLeft).toBeLessThanOrEqual(60);
  });

  it('refuses scopes outside the user allow-list (least privilege)', async () => {
    expectProblem(await token(alice, { scopes: ['voip.join'] }), 403);
  });

  it('refuses an identity that is not linked to the caller', async () => {
    const alices = (await token(alice)).body.communicationUserId;
    const response = await token(bob, { communicationUserId: alices });
    expectProblem(response, 403);
    expect(JSON.stringify(response.body)).not.toContain(alices.slice(8));
  });

  const badBodies: Array<
    [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number]
  > = [
    ['scopes not an array', { body: { scopes: 'voip' } }, 400],
    ['unknown scope', { body: { scopes: ['voip', 'admin'] } }, 400],
    ['empty scopes', { body: { scopes: [] } }, 400],
    ['repeated scope', { body: { scopes: ['voip', 'voip'] } }, 400],
    ['expiry 59', { body: { expiresInMinutes: 59 } }, 400],
    ['expiry 1441', { body: { expiresInMinutes: 1441 } }, 400],
    ['expiry "abc"', { body: { expiresInMinutes: 'abc' } }, 400],
    ['expiry 1.5', { body: { expiresInMinutes: 1.5 } }, 400],
    ['malformed identity id', { body: { communicationUserId: "8:acs:x' or 1 eq 1" } }, 400],
    ['unknown property', { body: { scope: ['voip'] } }, 400],
    ['a JSON array', { body: [] }, 400],
    ['invalid JSON', { rawBody: '{"scopes": [', headers: { 'content-type': 'application/json' } }, 400],
    [
      'wrong content type',
      { rawBody: 'scopes=voip', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
    ],
    ['oversize', { body: { scopes: ['voip'], padding: 'x'.repeat(70_000) } }, 413],
  ];

  it.each(badBodies)('rejects %s with a problem and changes nothing', async (name, request, status) => {
    const subject = `bad-${name.replace(/\W+/g, '-')}`;
    const caller = await service.signIn(subject);
    const before = (await emulator.identities()).length;
    const response = await service.request('POST', '/api/token', { token: caller, ...request });
    expectProblem(response, status);
    if (status === 400)
      expect((response.body as Problem).errors ?? (response.body as Problem).detail).toBeTruthy();
    expect((await emulator.identities()).length).toBe(before);
    const listed = await service.request<{ identities: unknown[] }>('GET', '/api/me/identities', {
      token: caller,
    });
    expect(listed.body.identities).toEqual([]);
  });
});

describe('revocation and erasure', () => {
  it('revokes: earlier tokens stop validating, new ones work', async () => {
    const carol = await service.signIn('carol');
    const before = (await token(carol)).body.token;
    expect((await emulator.validate(before)).valid).toBe(true);
    const revoked = await service.request('POST', '/api/token/revoke', { token: carol });
    expect(revoked.status).toBe(204);
    expect(await emulator.validate(before)).toMatchObject({ valid: false, reason: 'revoked' });
    expect((await emulator.validate((await token(carol)).body.token)).valid).toBe(true);
  });

  it('refuses to revoke an identity the caller is not linked to', async () => {
    const alices = (await token(alice)).body.communicationUserId;
    expectProblem(
      await service.request('POST', '/api/token/revoke', {
        token: bob,
        body: { communicationUserId: alices },
      }),
      403,
    );
  });

  it('erases the caller: links gone, identity deleted, tokens dead', async () => {
    const dora = await service.signIn('dora');
    const issued = (await token(dora)).body;
    const extra = await service.request<{ communicationUserId: string }>('POST', '/api/me/identities', {
      token: dora,
      body: { label: 'tablet' },
    });
    expect(extra.status).toBe(201);
    expect((await service.request('DELETE', '/api/me', { token: dora })).status).toBe(204);
    expect(
      (await service.request<{ identities: unknown[] }>('GET', '/api/me/identities', { token: dora })).body
        .identities,
    ).toEqual([]);
    expect((await emulator.validate(issued.token)).valid).toBe(false);
    const gone = (await emulator.identities())
      .filter((identity) => identity.deleted)
      .map((identity) => identity.id);
    expect(gone).toEqual(
      expect.arrayContaining([issued.communicationUserId, extra.body.communicationUserId]),
    );
  });

  it('removes one of the caller’s identities, and 404s for someone else’s', async () => {
    const eve = await service.signIn('eve');
    const extra = await service.request<{ communicationUserId: string }>('POST', '/api/me/identities', {
      token: eve,
    });
    const path = `/api/me/identities/${encodeURIComponent(extra.body.communicationUserId)}`;
    expectProblem(await service.request('DELETE', path, { token: bob }), 404);
    expect((await service.request('DELETE', path, { token: eve })).status).toBe(204);
    expectProblem(await service.request('DELETE', '/api/me/identities/not-an-id', { token: eve }), 400);
  });
});

describe('admin', () => {
  it('links a bot identity to two users, who can both get tokens for it; reverse lookup; revoke; delete', async () => {
    const created = await service.request<{ communicationUserId: string; subjects: string[] }>(
      'POST',
      '/api/manage/identities',
      {
        token: admin,
        body: { subjects: ['alice'], label: 'support bot' },
      },
    );
    expect(created.status).toBe(201);
    const bot = created.body.communicationUserId;
    const botPath = `/api/manage/identities/${encodeURIComponent(bot)}`;
    expect((await service.request('PUT', `${botPath}/subjects/bob`, { token: admin })).status).toBe(204);
    expect(
      (await service.request<{ subjects: string[] }>('GET', botPath, { token: admin })).body.subjects.sort(),
    ).toEqual(['alice', 'bob']);
    const bobs = await service.request<{ identities: Array<{ communicationUserId: string }> }>(
      'GET',
      '/api/manage/subjects/bob/identities',
      { token: admin },
    );
    expect(bobs.body.identities.map((identity) => identity.communicationUserId)).toContain(bot);

    const aliceBotToken = (await token(alice, { communicationUserId: bot })).body.token;
    expect((await emulator.validate(aliceBotToken)).valid).toBe(true);
    expect((await token(bob, { communicationUserId: bot })).status).toBe(200);

    const serviceToken = await service.request<Issued>('POST', `${botPath}/token`, {
      token: admin,
      body: { scopes: ['chat', 'voip.join'], expiresInMinutes: 120 },
    });
    expect(serviceToken.status).toBe(200);
    expect((await emulator.validate(serviceToken.body.token)).scopes?.sort()).toEqual(['chat', 'voip.join']);

    expect((await service.request('POST', `${botPath}/revoke`, { token: admin })).status).toBe(204);
    expect((await emulator.validate(aliceBotToken)).valid).toBe(false);

    expect((await service.request('DELETE', `${botPath}/subjects/bob`, { token: admin })).status).toBe(204);
    expectProblem(await token(bob, { communicationUserId: bot }), 403);
    expect((await service.request('DELETE', botPath, { token: admin })).status).toBe(204);
    expectProblem(await service.request('GET', botPath, { token: admin }), 404);
  });

  it('a user linked to a service identity cannot revoke its tokens, nor get it as their default', async () => {
    const uma = await service.signIn('uma');
    // The bot is linked before Uma's own default exists: the oldest identity left once she removes hers.
    const created = await service.request<{ communicationUserId: string }>('POST', '/api/manage/identities', {
      token: admin,
      body: { subjects: ['uma'], label: 'desk bot' },
    });
    const bot = created.body.communicationUserId;
    const botPath = `/api/manage/identities/${encodeURIComponent(bot)}`;
    const botToken = await service.request<Issued>('POST', `${botPath}/token`, {
      token: admin,
      body: { scopes: ['voip'] },
    });
    const own = (await token(uma)).body.communicationUserId;

    const refused = await service.request<Problem>('POST', '/api/token/revoke', {
      token: uma,
      body: { communicationUserId: bot },
    });
    expectProblem(refused, 403);
    expect(refused.body.code).toBe('ServiceIdentityRevoke');
    expect(refused.body.detail).toContain('/api/manage/identities/{id}/revoke');
    expect((await emulator.validate(botToken.body.token)).valid).toBe(true);

    const ownPath = `/api/me/identities/${encodeURIComponent(own)}`;
    expect((await service.request('DELETE', ownPath, { token: uma })).status).toBe(204);
    const listed = await service.request<{
      identities: Array<{ communicationUserId: string; isDefault: boolean }>;
    }>('GET', '/api/me/identities', { token: uma });
    expect(listed.body.identities).toEqual([
      expect.objectContaining({ communicationUserId: bot, isDefault: false }),
    ]);
    expect((await service.request('POST', '/api/token/revoke', { token: uma })).status).toBe(204);
    expect((await emulator.validate(botToken.body.token)).valid).toBe(true);

    expect((await service.request('POST', `${botPath}/revoke`, { token: admin })).status).toBe(204);
    expect(await emulator.validate(botToken.body.token)).toMatchObject({ valid: false, reason: 'revoked' });
  });

  it('shows the audit trail of a subject, paged, with no token in it', async () => {
    const page = await service.request<{ entries: Array<{ action: string }>; continuationToken?: string }>(
      'GET',
      '/api/manage/audit?subjectId=alice&limit=3',
      { token: admin },
    );
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(3);
    expect(page.body.continuationToken).toBeTruthy();
    const next = await service.request<{ entries: unknown[] }>(
      'GET',
      `/api/manage/audit?subjectId=alice&limit=3&continuationToken=${encodeURIComponent(page.body.continuationToken!)}`,
      { token: admin },
    );
    expect(next.status).toBe(200);
    expect(next.body.entries.length).toBeGreaterThan(0);
    for (const issued of issuedTokens) expect(page.text + JSON.stringify(next.body)).not.toContain(issued);
    expectProblem(await service.request('GET', '/api/manage/audit', { token: admin }), 400);
    expectProblem(
      await service.request('GET', '/api/manage/audit?subjectId=a&continuationToken=bogus', { token: admin }),
      400,
    );
  });

  const adminRoutes: Array<[string, string, unknown?]> = [
    ['POST', '/api/manage/identities', { subjects: ['x'] }],
    ['GET', '/api/manage/identities/8%3Aacs%3Aabc_def'],
    ['DELETE', '/api/manage/identities/8%3Aacs%3Aabc_def'],
    ['PUT', '/api/manage/identities/8%3Aacs%3Aabc_def/subjects/bob'],
    ['DELETE', '/api/manage/identities/8%3Aacs%3Aabc_def/subjects/bob'],
    ['GET', '/api/manage/subjects/bob/identities'],
    ['POST', '/api/manage/identities/8%3Aacs%3Aabc_def/token', { scopes: ['voip'] }],
    ['POST', '/api/manage/identities/8%3Aacs%3Aabc_def/revoke'],
    ['GET', '/api/manage/audit?subjectId=bob'],
  ];

  it.each(adminRoutes)('%s %s: 401 without a token, 403 for a non-admin', async (method, path, body) => {
    const anonymous = await service.request(method, path, body ? { body } : {});
    expectProblem(anonymous, 401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expectProblem(await service.request(method, path, { token: alice, ...(body ? { body } : {}) }), 403);
  });

  it('validates admin bodies', async () => {
    expectProblem(
      await service.request('POST', '/api/manage/identities', { token: admin, body: { subjects: 'alice' } }),
      400,
    );
    const bot = await service.request<{ communicationUserId: string }>('POST', '/api/manage/identities', {
      token: admin,
      body: { subjects: [] },
    });
    const path = `/api/manage/identities/${encodeURIComponent(bot.body.communicationUserId)}/token`;
    expectProblem(await service.request('POST', path, { token: admin, body: { scopes: [] } }), 400);
    expectProblem(
      await service.request('POST', path, { token: admin, body: { scopes: ['voip'], expiresInMinutes: 30 } }),
      400,
    );
    expectProblem(
      await service.request('PUT', '/api/manage/identities/8%3Aacs%3Ano_such/subjects/bob', { token: admin }),
      404,
    );
  });
});

describe('user routes without a valid token', () => {
  const userRoutes: Array<[string, string]> = [
    ['POST', '/api/token'],
    ['POST', '/api/token/revoke'],
    ['POST', '/api/token/teams'],
    ['GET', '/api/me/identities'],
    ['POST', '/api/me/identities'],
    ['DELETE', '/api/me/identities/8%3Aacs%3Aabc_def'],
    ['DELETE', '/api/me'],
  ];
  it.each(userRoutes)('%s %s: 401 with WWW-Authenticate', async (method, path) => {
    for (const token of [undefined, 'not-a-jwt', `${alice.slice(0, -4)}AAAA`]) {
      const response = await service.request(method, path, token ? { token } : {});
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});

describe('Teams user token exchange', () => {
  const aadToken = (claims: Record<string, unknown>) =>
    [
      Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url'),
      Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })).toString(
        'base64url',
      ),
      'c2lnbmF0dXJl',
    ].join('.');

  it('exchanges the caller’s Teams token with the configured app id and the caller’s oid', async () => {
    const response = await service.request<{ token: string; expiresOn: string }>('POST', '/api/token/teams', {
      token: alice,
      body: { teamsUserAadToken: aadToken({ appid: 'teams-app-1', oid: 'aad-alice' }) },
    });
    expect(response.status).toBe(200);
    expect(response.body.token).toBeTruthy();
  });

  it('refuses a Teams token of another user, and a caller without an oid', async () => {
    expectProblem(
      await service.request('POST', '/api/token/teams', {
        token: alice,
        body: { teamsUserAadToken: aadToken({ appid: 'teams-app-1', oid: 'aad-mallory' }) },
      }),
      403,
    );
    expectProblem(
      await service.request('POST', '/api/token/teams', {
        token: bob,
        body: { teamsUserAadToken: aadToken({ appid: 'teams-app-1', oid: 'x' }) },
      }),
      404,
    );
    expectProblem(await service.request('POST', '/api/token/teams', { token: alice, body: {} }), 400);
  });
});

describe('upstream trouble', () => {
  it('retries ACS 500s and succeeds', async () => {
    const frank = await service.signIn('frank');
    await emulator.injectFaults({ count: 2, status: 500, operation: 'issueAccessToken' });
    expect((await token(frank)).status).toBe(200);
  });

  it('answers 503 with Retry-After when ACS throttles beyond the retry budget, and a retry then works', async () => {
    const gail = await service.signIn('gail');
    await token(gail);
    await emulator.injectFaults({
      count: 1,
      status: 429,
      retryAfterSeconds: 7,
      operation: 'issueAccessToken',
    });
    // A scope set never issued before: the token cache cannot answer, so ACS is asked.
    const throttled = await token(gail, { scopes: ['chat'] });
    expectProblem(throttled, 503);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await token(gail, { scopes: ['chat'] })).status).toBe(200);
  });

  it('answers 503 when ACS keeps failing, leaving nothing half-written', async () => {
    const hugo = await service.signIn('hugo');
    await emulator.injectFaults({ count: 4, status: 500, operation: 'createIdentity' });
    const failed = await token(hugo);
    expectProblem(failed, 503);
    expect(failed.headers.get('retry-after')).toBeTruthy();
    expect(
      (await service.request<{ identities: unknown[] }>('GET', '/api/me/identities', { token: hugo })).body
        .identities,
    ).toEqual([]);
    expect((await token(hugo)).status).toBe(200);
  });
});

describe('logs', () => {
  it('never contain a token, a key or a connection string', async () => {
    const output = service.output();
    expect(output.length).toBeGreaterThan(0);
    for (const issued of issuedTokens) expect(output).not.toContain(issued);
    for (const bearer of [alice, bob, admin]) expect(output).not.toContain(bearer);
    expect(output).not.toMatch(/accesskey=|AccountKey=|eyJ[A-Za-z0-9_-]{10,}\./i);
  });
});
