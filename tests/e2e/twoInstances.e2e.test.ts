import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { startAzuriteTables, type AzuriteTables } from '../../local/azurite/startAzuriteTables';
import { startLocalService, type LocalService } from '../support/localService';
import { uniqueTablePrefix } from '../support/testStack';

/*
 * Two instances of the app, as Azure scales it out: separate processes, no shared memory, one Table
 * Storage account and one ACS resource. B trusts A's dev issuer, so one bearer token works on both.
 */
let tables: AzuriteTables;
let emulator: AcsEmulator;
let a: LocalService;
let b: LocalService;

beforeAll(async () => {
  tables = await startAzuriteTables();
  emulator = await startAcsEmulator();
  const shared = {
    TABLES_CONNECTION_STRING: tables.connectionString,
    ACS_CONNECTION_STRING: emulator.connectionString(),
    TABLE_NAME_PREFIX: uniqueTablePrefix(),
    TOKEN_RATE_LIMIT_PER_MINUTE: '3',
    SUBJECT_ACS_BUDGET_PER_MINUTE: '10',
    ADMIN_ACS_BUDGET_PER_MINUTE: '25',
  };
  a = await startLocalService(shared);
  b = await startLocalService({
    ...shared,
    AUTH_ISSUER: a.issuer,
    AUTH_AUDIENCE: 'api://acs-trusted-service-local',
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await emulator?.close();
  await tables?.close();
});

describe('two instances on one storage account', () => {
  it('hold the per-subject token limit across instances: 429 with Retry-After', async () => {
    const token = await a.signIn('limited');
    // No waiting for a fresh clock minute: the sliding window counts a burst across a boundary too.
    const statuses: number[] = [];
    // Each asks for a shorter token than the last, so none is a cache hit (hits spend no budget).
    for (const [index, instance] of [a, b, a, b, a].entries()) {
      const response = await instance.request('POST', '/api/token', {
        token,
        body: { expiresInMinutes: 1440 - index },
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('hold the per-subject ACS budget across instances: 100 revokes at once, 10 done, the rest 429', async () => {
    const token = await a.signIn('revoker');
    expect((await a.request('POST', '/api/me/identities', { token })).status).toBe(201);
    const revokesBefore = emulator.requestCount('revokeAccessTokens');
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 === 0 ? a : b).request('POST', '/api/token/revoke', { token }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    // One unit went on adding the identity.
    expect(statuses.filter((status) => status === 204)).toHaveLength(9);
    expect(statuses.filter((status) => status === 429)).toHaveLength(91);
    expect(emulator.requestCount('revokeAccessTokens') - revokesBefore).toBe(9);
    const throttled = responses.find((response) => response.status === 429)!;
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.body).toMatchObject({ code: 'AcsBudgetExceeded' });
  });

  it('give admins a larger ACS budget', async () => {
    const admin = await a.signIn('budget-admin', { roles: ['admin'] });
    const bot = await a.request<{ communicationUserId: string }>('POST', '/api/manage/identities', {
      token: admin,
      body: { subjects: [] },
    });
    const path = `/api/manage/identities/${encodeURIComponent(bot.body.communicationUserId)}/revoke`;
    const statuses = (
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).request('POST', path, { token: admin })),
      )
    ).map((response) => response.status);
    expect(statuses.filter((status) => status === 204)).toHaveLength(24);
    expect(statuses.filter((status) => status === 429)).toHaveLength(16);
  });
});

describe('two instances, get-or-create race', () => {
  let racerA: LocalService;
  let racerB: LocalService;

  beforeAll(async () => {
    const shared = {
      TABLES_CONNECTION_STRING: tables.connectionString,
      ACS_CONNECTION_STRING: emulator.connectionString(),
      TABLE_NAME_PREFIX: uniqueTablePrefix(),
      TOKEN_RATE_LIMIT_PER_MINUTE: '1000',
      SUBJECT_ACS_BUDGET_PER_MINUTE: '1000',
      IDENTITY_CAP_PER_SUBJECT: '5',
    };
    racerA = await startLocalService(shared);
    racerB = await startLocalService({
      ...shared,
      AUTH_ISSUER: racerA.issuer,
      AUTH_AUDIENCE: 'api://acs-trusted-service-local',
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([racerA?.stop(), racerB?.stop()]);
  });

  it('50 concurrent first POST /api/token for one subject, split over both, give one ACS identity', async () => {
    const token = await racerA.signIn('first-timer');
    const before = emulator.identities().length;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        (index % 2 === 0 ? racerA : racerB).request<{ communicationUserId: string }>('POST', '/api/token', {
          token,
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((response) => response.body.communicationUserId)).size).toBe(1);
    expect(emulator.identities().length - before).toBe(1);
    const listed = await racerB.request<{ identities: unknown[] }>('GET', '/api/me/identities', { token });
    expect(listed.body.identities).toHaveLength(1);
  });

  it('hold the identity cap exactly: 100 adds at once, split over both, create cap-1 extras', async () => {
    const token = await racerA.signIn('collector');
    expect((await racerA.request('POST', '/api/token', { token })).status).toBe(200);
    const before = emulator.identities().length;
    const statuses = (
      await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          (index % 2 === 0 ? racerA : racerB).request('POST', '/api/me/identities', { token }),
        ),
      )
    ).map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(4);
    expect(statuses.filter((status) => status === 409)).toHaveLength(96);
    expect(emulator.identities().length - before).toBe(4);
    const listed = await racerB.request<{ identities: unknown[] }>('GET', '/api/me/identities', { token });
    expect(listed.body.identities).toHaveLength(5);
  });
});
