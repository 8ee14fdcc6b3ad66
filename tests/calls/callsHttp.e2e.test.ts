import { randomUUID } from 'node:crypto';
import type { RoomsClient } from '@azure/communication-rooms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import type { Call } from '../../shared/calls/call';
import { startLocalService, type LocalService, type ServiceResponse } from '../support/localService';
import { roomAtAcs, roomsClient, validateAtEmulator } from './support/acsChecks';

/*
 * End to end over HTTP: the real service (dist/local/start.js) in its own process, on an ACS emulator
 * this file owns, so that rooms and tokens can be checked where ACS keeps them.
 */

let emulator: AcsEmulator;
let service: LocalService;
let rooms: RoomsClient;

beforeAll(async () => {
  emulator = await startAcsEmulator();
  rooms = roomsClient(emulator.connectionString());
  service = await startLocalService({
    ACS_CONNECTION_STRING: emulator.connectionString(),
    ACS_MAX_RETRY_DELAY_MS: '20',
    CALLS_MAX_INVITEES: '25',
  });
});
afterAll(async () => {
  await service?.stop();
  await emulator?.close();
});

const hour = 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

interface User {
  sub: string;
  token: string;
}

async function user(name: string): Promise<User> {
  const sub = `${name}-${randomUUID()}`;
  return { sub, token: await service.signIn(sub) };
}

async function call(method: string, path: string, who: User | undefined, body?: unknown) {
  return service.request<Record<string, unknown>>(method, `/api${path}`, {
    ...(who ? { token: who.token } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}

function expectProblem(response: ServiceResponse<Record<string, unknown>>, status: number, code?: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, ...(code ? { code } : {}) });
}

async function create(who: User, body: unknown): Promise<Call> {
  const response = await call('POST', '/calls', who, body);
  expect(response.status, response.text).toBe(201);
  return response.body as unknown as Call;
}

async function listIds(who: User, limit = 100): Promise<string[]> {
  const response = await call('GET', `/calls?limit=${limit}`, who);
  expect(response.status, response.text).toBe(200);
  return (response.body.calls as Call[]).map((c) => c.id);
}

async function identityOf(who: User): Promise<string> {
  const response = await call('POST', '/token', who, {});
  expect(response.status, response.text).toBe(200);
  return response.body.communicationUserId as string;
}

describe('a group call over HTTP', () => {
  it('is created, shared, joined with a voip token, and cancelled', async () => {
    const [alice, bob, eve] = await Promise.all([user('alice'), user('bob'), user('eve')]);
    const created = await create(alice, {
      title: 'Planning',
      startsAt: at(hour),
      endsAt: at(2 * hour),
      invitees: [bob.sub, { subjectId: 'not-signed-in-yet' }],
    });
    expect(created).toMatchObject({ kind: 'group', organizer: alice.sub, status: 'scheduled' });
    expect(created.groupCallId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await listIds(bob)).toEqual([created.id]);
    expect((await call('GET', `/calls/${created.id}`, bob)).body).toEqual(created);
    expectProblem(await call('GET', `/calls/${created.id}`, eve), 404, 'CallNotFound');

    const joined = await call('POST', `/calls/${created.id}/join`, bob);
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body).toMatchObject({ call: created, scopes: ['voip'] });
    const verdict = await validateAtEmulator(emulator.url, joined.body.token as string);
    expect(verdict).toMatchObject({
      valid: true,
      scopes: ['voip'],
      communicationUserId: joined.body.communicationUserId,
    });
    expect(await identityOf(bob)).toBe(joined.body.communicationUserId);

    expect((await call('DELETE', `/calls/${created.id}`, alice)).status).toBe(204);
    expect(await listIds(bob)).toEqual([]);
    expect(await listIds(alice)).toEqual([]);
    expect((await call('GET', `/calls/${created.id}`, bob)).body).toMatchObject({ status: 'cancelled' });
    expectProblem(await call('POST', `/calls/${created.id}/join`, bob), 409, 'CallCancelled');
    expect((await call('DELETE', `/calls/${created.id}`, alice)).status).toBe(204);
  });

  it('records a group call ID a client made, once', async () => {
    const [alice, mallory] = await Promise.all([user('alice'), user('mallory')]);
    const groupCallId = randomUUID();
    expect((await create(alice, { groupCallId })).groupCallId).toBe(groupCallId);
    expectProblem(await call('POST', '/calls', mallory, { groupCallId }), 409, 'GroupCallIdTaken');
    expectProblem(
      await call('POST', '/calls', mallory, { groupCallId: 'not-a-uuid' }),
      400,
      'ValidationFailed',
    );
  });
});

describe('a Teams meeting over HTTP', () => {
  it('is shared by its join link and joined with voip', async () => {
    const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    const teamsMeetingLink =
      'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d';
    const created = await create(alice, { kind: 'teams', teamsMeetingLink, invitees: [bob.sub] });
    expect(created).toMatchObject({ kind: 'teams', teamsMeetingLink });
    const joined = await call('POST', `/calls/${created.id}/join`, bob, { expiresInMinutes: 60 });
    expect(joined.body.scopes).toEqual(['voip']);
    expect(await validateAtEmulator(emulator.url, joined.body.token as string)).toMatchObject({
      valid: true,
      scopes: ['voip'],
    });
  });

  it('without Graph configured needs a link: 400', async () => {
    expectProblem(
      await call('POST', '/calls', await user('alice'), { kind: 'teams' }),
      400,
      'TeamsMeetingLinkRequired',
    );
  });
});

describe('a room over HTTP', () => {
  it('keeps the ACS roster in step through invite, join, uninvite, reschedule and cancel', async () => {
    const [alice, bob, carol, dave] = await Promise.all([
      user('alice'),
      user('bob'),
      user('carol'),
      user('dave'),
    ]);
    const [bobId, daveId] = await Promise.all([identityOf(bob), identityOf(dave)]);
    const startsAt = at(hour);
    const created = await create(alice, {
      kind: 'room',
      title: 'Clinic',
      startsAt,
      endsAt: at(2 * hour),
      invitees: [bob.sub, carol.sub],
    });
    const roomId = created.roomId ?? '';
    expect(roomId).toMatch(/^\d+$/);
    const aliceId = await identityOf(alice);
    expect((await roomAtAcs(rooms, roomId))?.participants).toEqual({
      [aliceId]: 'Presenter',
      [bobId]: 'Attendee',
    });

    // Carol had no identity when invited: joining creates it and puts it on the roster first.
    const joined = await call('POST', `/calls/${created.id}/join`, carol);
    expect(joined.status, joined.text).toBe(200);
    const carolId = joined.body.communicationUserId as string;
    expect(joined.body.scopes).toEqual(['voip.join']);
    expect(await validateAtEmulator(emulator.url, joined.body.token as string)).toMatchObject({
      valid: true,
      communicationUserId: carolId,
      scopes: ['voip.join'],
    });
    expect((await roomAtAcs(rooms, roomId))?.participants[carolId]).toBe('Attendee');

    const invited = await call('POST', `/calls/${created.id}/invitees`, alice, {
      invitees: [{ subjectId: dave.sub, role: 'Consumer' }],
    });
    expect(invited.status, invited.text).toBe(200);
    expect((await roomAtAcs(rooms, roomId))?.participants[daveId]).toBe('Consumer');

    expect(
      (await call('DELETE', `/calls/${created.id}/invitees/${encodeURIComponent(bob.sub)}`, alice)).status,
    ).toBe(204);
    expect((await roomAtAcs(rooms, roomId))?.participants).toEqual({
      [aliceId]: 'Presenter',
      [carolId]: 'Attendee',
      [daveId]: 'Consumer',
    });
    expect(await listIds(bob)).toEqual([]);

    const endsAt = at(4 * hour);
    const patched = await call('PATCH', `/calls/${created.id}`, alice, { title: 'Clinic (long)', endsAt });
    expect(patched.body).toMatchObject({ title: 'Clinic (long)', startsAt, endsAt });
    expect((await roomAtAcs(rooms, roomId))?.validUntil.toISOString()).toBe(endsAt);

    expect((await call('DELETE', `/calls/${created.id}`, alice)).status).toBe(204);
    expect(await roomAtAcs(rooms, roomId)).toBeUndefined();
    expect(await listIds(carol)).toEqual([]);
  });

  it('answers 503 with Retry-After and leaves no call when ACS cannot create the room', async () => {
    const alice = await user('alice');
    emulator.injectFaults({ count: 4, status: 503, operation: 'createRoom' });
    const response = await call('POST', '/calls', alice, { kind: 'room' });
    expectProblem(response, 503, 'AcsUnavailable');
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await listIds(alice)).toEqual([]);
    await create(alice, { kind: 'room' });
    expect(await listIds(alice)).toHaveLength(1);
  });
});

describe('bad input', () => {
  let alice: User;
  let existing: Call;

  beforeAll(async () => {
    alice = await user('alice');
    existing = await create(alice, { title: 'Existing', startsAt: at(hour), endsAt: at(2 * hour) });
  });

  const snapshot = async () => (await call('GET', '/calls', alice)).body;

  it.each([
    ['a wrong type', { title: 42 }, 400],
    ['an unknown field', { colour: 'blue' }, 400],
    ['an unknown kind', { kind: 'webinar' }, 400],
    ['a bad UUID', { groupCallId: '1234' }, 400],
    ['a bad Teams link', { kind: 'teams', teamsMeetingLink: 'https://evil.example/l/meetup-join/x' }, 400],
    ['a Teams link on a group call', { teamsMeetingLink: 'https://teams.live.com/meet/1' }, 400],
    ['a time without offset', { startsAt: '2031-01-01T10:00:00' }, 400],
    ['an end before the start', { startsAt: at(2 * hour), endsAt: at(hour) }, 400],
    ['too long a call', { startsAt: at(hour), endsAt: at(hour + 8 * 24 * hour) }, 400],
    ['a start too far ahead', { startsAt: at(400 * 24 * hour) }, 400],
    ['too many invitees', { invitees: Array.from({ length: 26 }, (_, i) => `s${i}`) }, 400],
    ['repeated invitees', { invitees: ['a', 'a'] }, 400],
    ['a bad role', { invitees: [{ subjectId: 'a', role: 'Owner' }] }, 400],
    ['an empty subject id', { invitees: [''] }, 400],
    ['a title too long', { title: 'x'.repeat(201) }, 400],
  ])('POST /calls with %s: %i, and nothing changes', async (_name, body, status) => {
    const before = await snapshot();
    const response = await call('POST', '/calls', alice, body);
    expectProblem(response, status);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]),
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses invalid JSON (400), a wrong content type (415) and a body too large (413)', async () => {
    const before = await snapshot();
    const send = (rawBody: string, contentType: string) =>
      service.request<Record<string, unknown>>('POST', '/api/calls', {
        token: alice.token,
        rawBody,
        headers: { 'content-type': contentType },
      });
    expectProblem(await send('{"title":', 'application/json'), 400, 'InvalidJson');
    expectProblem(await send('title=x', 'application/x-www-form-urlencoded'), 415);
    expectProblem(await send(JSON.stringify({ title: 'x'.repeat(70_000) }), 'application/json'), 413);
    expectProblem(
      await service.request('POST', `/api/calls/${existing.id}/invitees`, {
        token: alice.token,
        rawBody: '[',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses bad PATCH, invite, join, list and path input, changing nothing', async () => {
    const id = existing.id;
    const bad: Array<[string, string, unknown]> = [
      ['PATCH', `/calls/${id}`, {}],
      ['PATCH', `/calls/${id}`, { endsAt: at(-hour) }],
      ['PATCH', `/calls/${id}`, { startsAt: at(3 * hour) }],
      ['PATCH', `/calls/${id}`, { title: ['x'] }],
      ['POST', `/calls/${id}/invitees`, { invitees: [] }],
      ['POST', `/calls/${id}/invitees`, { invitees: [{ subjectId: 'a', role: 'Boss' }] }],
      ['POST', `/calls/${id}/invitees`, { invitees: Array.from({ length: 26 }, (_, i) => `s${i}`) }],
      ['POST', `/calls/${id}/join`, { expiresInMinutes: 5 }],
      ['GET', '/calls/not-a-uuid', undefined],
      ['GET', '/calls?limit=0', undefined],
      ['GET', '/calls?limit=abc', undefined],
      ['GET', '/calls?continuationToken=forged', undefined],
      ['GET', '/calls?colour=blue', undefined],
    ];
    for (const [method, path, body] of bad) expectProblem(await call(method, path, alice, body), 400);
    expect((await call('GET', `/calls/${id}`, alice)).body).toEqual(existing);
  });
});

describe('who may do what', () => {
  it('answers 401 without a bearer token on every route', async () => {
    const id = randomUUID();
    const routes: Array<[string, string]> = [
      ['POST', '/calls'],
      ['GET', '/calls'],
      ['GET', `/calls/${id}`],
      ['PATCH', `/calls/${id}`],
      ['DELETE', `/calls/${id}`],
      ['POST', `/calls/${id}/invitees`],
      ['DELETE', `/calls/${id}/invitees/bob`],
      ['POST', `/calls/${id}/join`],
    ];
    for (const [method, path] of routes) {
      const response = await call(
        method,
        path,
        undefined,
        method === 'GET' || method === 'DELETE' ? undefined : {},
      );
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('answers 404 to outsiders and 403 to invitees on the organizer routes, changing nothing', async () => {
    const [alice, bob, eve] = await Promise.all([user('alice'), user('bob'), user('eve')]);
    const created = await create(alice, { kind: 'room', invitees: [bob.sub] });
    const id = created.id;
    const organizerRoutes: Array<[string, string, unknown]> = [
      ['PATCH', `/calls/${id}`, { title: 'mine now' }],
      ['DELETE', `/calls/${id}`, undefined],
      ['POST', `/calls/${id}/invitees`, { invitees: [eve.sub] }],
      ['DELETE', `/calls/${id}/invitees/${encodeURIComponent(bob.sub)}`, undefined],
    ];
    for (const [method, path, body] of organizerRoutes) {
      expectProblem(await call(method, path, eve, body), 404, 'CallNotFound');
      expectProblem(await call(method, path, bob, body), 403, 'NotCallOrganizer');
    }
    expectProblem(await call('GET', `/calls/${id}`, eve), 404);
    expectProblem(await call('POST', `/calls/${id}/join`, eve), 404);
    expect(await listIds(eve)).toEqual([]);
    expect((await call('GET', `/calls/${id}`, alice)).body).toEqual(created);
    expect(Object.values((await roomAtAcs(rooms, created.roomId ?? ''))?.participants ?? {})).toEqual([
      'Presenter',
    ]);
  });
});

describe('sharing at scale', () => {
  it('loses nobody when the organizer sends 20 invites at once', async () => {
    const alice = await user('alice');
    const created = await create(alice, {});
    const invitees = Array.from({ length: 20 }, (_, i) => `guest-${i}-${randomUUID()}`);
    const responses = await Promise.all(
      invitees.map((subjectId) =>
        call('POST', `/calls/${created.id}/invitees`, alice, { invitees: [subjectId] }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(invitees.map(() => 200));
    const final = (await call('GET', `/calls/${created.id}`, alice)).body as unknown as Call;
    expect(final.invitees.map((i) => i.subjectId).sort()).toEqual([...invitees].sort());
  });

  it('pages 25 calls in startsAt order with an opaque continuation token only its caller can use', async () => {
    const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    const offsets = Array.from({ length: 25 }, (_, i) => ((i * 7) % 25) + 1);
    const created = await Promise.all(
      offsets.map((offset) =>
        create(alice, { title: `#${offset}`, startsAt: at(offset * hour), invitees: [bob.sub] }),
      ),
    );
    const expected = [...created]
      .sort((a, b) => (a.startsAt ?? '').localeCompare(b.startsAt ?? ''))
      .map((c) => c.id);
    const pages: string[][] = [];
    let continuationToken: string | undefined;
    do {
      const query = `limit=10${continuationToken ? `&continuationToken=${encodeURIComponent(continuationToken)}` : ''}`;
      const response = await call('GET', `/calls?${query}`, bob);
      expect(response.status, response.text).toBe(200);
      pages.push((response.body.calls as Call[]).map((c) => c.id));
      continuationToken = response.body.continuationToken as string | undefined;
    } while (continuationToken);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(expected);

    // Bob's token is his: on Alice's list (the same calls, so the same row keys) it is refused.
    const first = await call('GET', '/calls?limit=10', bob);
    const bobsToken = encodeURIComponent(String(first.body.continuationToken));
    expect((await call('GET', `/calls?limit=10&continuationToken=${bobsToken}`, bob)).status).toBe(200);
    expect(await call('GET', `/calls?limit=10&continuationToken=${bobsToken}`, alice)).toMatchObject({
      status: 400,
      body: { code: 'InvalidContinuationToken' },
    });
  });
});

describe('DELETE /api/me', () => {
  it('takes the caller off the calls they are invited to and cancels the ones they organize', async () => {
    const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    const bobId = await identityOf(bob);
    const room = await create(alice, { kind: 'room', invitees: [bob.sub] });
    const own = await create(bob, { invitees: [alice.sub] });
    expect((await call('DELETE', '/me', bob)).status).toBe(204);
    expect((await call('GET', `/calls/${room.id}`, alice)).body).toMatchObject({ invitees: [] });
    expect((await roomAtAcs(rooms, room.roomId ?? ''))?.participants[bobId]).toBeUndefined();
    expect((await call('GET', `/calls/${own.id}`, alice)).body).toMatchObject({ status: 'cancelled' });
    expect(await listIds(alice)).toEqual([room.id]);
    expect(await listIds(bob)).toEqual([]);
  });
});
