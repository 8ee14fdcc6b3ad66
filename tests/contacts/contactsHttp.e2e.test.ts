import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { startAzuriteTables, type AzuriteTables } from '../../local/azurite/startAzuriteTables';
import { startLocalService, type LocalService } from '../support/localService';
import { uniqueTablePrefix } from '../support/testStack';

/*
 * Contacts over HTTP on two instances of the app (separate processes, one Table Storage account), as a
 * client sees them: the friend list of 1:1 calls, who may read whose, and two people adding each other at
 * the same moment on different instances.
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

type Lists = {
  contacts: Array<{ subjectId: string; communicationUserId: string | null }>;
  incoming: unknown[];
};

describe('contacts over HTTP', () => {
  it('lets a caller find a mutual contact’s identity to call 1:1, and nobody else', async () => {
    const [carol, dave, mallory] = await Promise.all([
      a.signIn('carol'),
      a.signIn('dave'),
      a.signIn('mallory'),
    ]);
    const daveToken = await a.request<{ communicationUserId: string }>('POST', '/api/token', { token: dave });

    const asked = await a.request('POST', '/api/me/contacts', {
      token: carol,
      body: { subjectId: 'dave', displayName: 'Carol' },
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ subjectId: 'dave', state: 'outgoing' });
    // Not mutual yet: no identity shown.
    expect((await a.request<Lists>('GET', '/api/me/contacts', { token: carol })).body.contacts).toEqual([]);

    const accepted = await b.request('PUT', '/api/me/contacts/carol', { token: dave, body: {} });
    expect(accepted.status).toBe(200);
    const carolsList = await a.request<Lists>('GET', '/api/me/contacts', { token: carol });
    expect(carolsList.body.contacts).toEqual([
      { subjectId: 'dave', communicationUserId: daveToken.body.communicationUserId },
    ]);
    expect(carolsList.headers.get('cache-control')).toBe('no-store');

    // A stranger learns nothing: an unknown and a known subject answer alike, and their lists are empty.
    const toKnown = await a.request('POST', '/api/me/contacts', {
      token: mallory,
      body: { subjectId: 'dave' },
    });
    const toUnknown = await a.request('POST', '/api/me/contacts', {
      token: mallory,
      body: { subjectId: 'no-such-user' },
    });
    expect([toKnown.status, toUnknown.status]).toEqual([202, 202]);
    expect(toUnknown.body).toEqual({ ...(toKnown.body as object), subjectId: 'no-such-user' });
    expect((await a.request<Lists>('GET', '/api/me/contacts', { token: mallory })).body.contacts).toEqual([]);
  });

  it('keeps the support view for admins: 401 without a token, 403 for a user', async () => {
    const user = await a.signIn('nosy');
    const admin = await a.signIn('support', { roles: ['admin'] });
    const path = '/api/manage/subjects/carol/contacts';
    expect((await a.request('GET', path)).status).toBe(401);
    expect((await a.request('GET', path, { token: user })).body).toMatchObject({
      status: 403,
      code: 'AdminRoleRequired',
    });
    const seen = await a.request<Lists & { declined: unknown[] }>('GET', path, { token: admin });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ incoming: [], declined: [] });
  });

  it('refuses bad input with problem+json and changes nothing', async () => {
    const token = await a.signIn('careful');
    for (const body of [
      {},
      { subjectId: '' },
      { subjectId: 'x', displayName: 'a\u202Eb' },
      { subjectId: 'x', extra: 1 },
    ]) {
      const response = await a.request('POST', '/api/me/contacts', { token, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(
      (
        await a.request('POST', '/api/me/contacts', {
          token,
          rawBody: 'not json',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await a.request<Lists & { outgoing: unknown[] }>('GET', '/api/me/contacts', { token })).body,
    ).toEqual({
      contacts: [],
      incoming: [],
      outgoing: [],
    });
  });

  it('two people adding each other at once on two instances end mutual, every time', async () => {
    for (let round = 0; round < 8; round++) {
      const [left, right] = [`left-${round}`, `right-${round}`];
      const [leftToken, rightToken] = await Promise.all([a.signIn(left), a.signIn(right)]);
      const [one, two] = await Promise.all([
        a.request('POST', '/api/me/contacts', { token: leftToken, body: { subjectId: right } }),
        b.request('POST', '/api/me/contacts', { token: rightToken, body: { subjectId: left } }),
      ]);
      expect([one.status, two.status]).toEqual([202, 202]);
      const [leftList, rightList] = await Promise.all([
        b.request<Lists & { outgoing: unknown[] }>('GET', '/api/me/contacts', { token: leftToken }),
        a.request<Lists & { outgoing: unknown[] }>('GET', '/api/me/contacts', { token: rightToken }),
      ]);
      expect(leftList.body.contacts.map((contact) => contact.subjectId)).toEqual([right]);
      expect(rightList.body.contacts.map((contact) => contact.subjectId)).toEqual([left]);
      expect([leftList.body.incoming, leftList.body.outgoing, rightList.body.incoming]).toEqual([[], [], []]);
    }
  });
});
