import { identityStoreOf, tablesOf } from '../support/storageOf';
import { realSleep } from '../../shared/time/sleep';
import { systemClock } from '../../shared/time/clock';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateCallRequest } from '../../shared/calls/callRequests';
import type { AppServices } from '../../shared/composition/appServices';
import { createCallIndex, indexRowKey, type CallIndex } from '../../shared/calls/callIndex';
import { orphanGraceMs } from '../../shared/calls/callIndexRows';
import { createCallService, type CallService } from '../../shared/calls/callService';
import { createCallStore, type CallStore } from '../../shared/calls/callStore';
import { subjectIdentitiesFrom } from '../../shared/calls/subjectIdentities';
import { createAcsRoomsGateway } from '../../shared/acs/acsRoomsGateway';
import { createAcsClientFactory } from '../../shared/acs/acsClientFactory';
import { ServiceError } from '../../shared/errors/serviceError';
import { roomAtAcs } from './support/acsChecks';
import {
  caller,
  fixedCredential,
  startCallsKit,
  unreachableTable,
  type CallsKit,
} from './support/callsTestKit';
import { startGraphTestServer, type GraphTestServer } from './support/graphTestServer';
import { startTestOidcIssuer } from '../support/testOidcIssuer';

let kit: CallsKit;
let services: AppServices;
let calls: CallService;

beforeAll(async () => {
  kit = await startCallsKit({ CALLS_MAX_INVITEES: '30' });
  services = kit.services;
  calls = services.calls;
});
afterAll(() => kit.close());

const hour = 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const sub = (name: string) => `${name}-${randomUUID()}`;

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

async function listAll(subjectId: string, limit = 100) {
  const all = [];
  let continuationToken: string | undefined;
  do {
    const page = await calls.list(caller(subjectId), {
      limit,
      ...(continuationToken ? { continuationToken } : {}),
    });
    all.push(...page.calls);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return all;
}

/** A call service whose parts the test picks, over the same tables and emulator. */
function callServiceWith(parts: { store?: CallStore; index?: CallIndex; clock?: () => Date }) {
  const acsClients = createAcsClientFactory({ connection: services.config.acs.connection });
  return createCallService({
    store: parts.store ?? createCallStore(tablesOf(services.config).Calls),
    index: parts.index ?? createCallIndex(tablesOf(services.config).CallIndex),
    rooms: createAcsRoomsGateway(acsClients, {
      maxRetries: 0,
      maxDelayMs: 10,
      sleep: realSleep,
      clock: systemClock,
    }),
    identities: services.identities,
    subjectIdentities: subjectIdentitiesFrom(identityStoreOf(services.config)),
    tokens: services.tokens,
    limits: services.config.calls,
    ...(parts.clock ? { clock: parts.clock } : {}),
  });
}

describe('group calls', () => {
  it('creates a group call ID, shares it with invitees who have never signed in, and orders lists by startsAt', async () => {
    const alice = sub('alice');
    const bob = sub('bob');
    const later = await calls.create(caller(alice), {
      title: 'Later',
      startsAt: at(3 * hour),
      invitees: [bob],
    });
    const sooner = await calls.create(caller(alice), {
      title: 'Sooner',
      startsAt: new Date(Date.now() + hour).toISOString().replace('Z', '+00:00'),
      endsAt: at(2 * hour),
      invitees: [{ subjectId: bob, role: 'Presenter' }],
    });
    const unscheduled = await calls.create(caller(alice), { invitees: [bob] });
    expect(sooner).toMatchObject({
      kind: 'group',
      title: 'Sooner',
      organizer: alice,
      groupCallId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      invitees: [{ subjectId: bob, role: 'Presenter' }],
      status: 'scheduled',
    });
    expect(sooner.startsAt).toMatch(/Z$/);
    expect(unscheduled.title).toBe('');
    const ids = [sooner.id, later.id, unscheduled.id];
    expect((await listAll(alice)).map((call) => call.id)).toEqual(ids);
    expect((await listAll(bob)).map((call) => call.id)).toEqual(ids);
    expect(await calls.get(caller(bob), later.id)).toEqual(later);
  });

  it('records a client group call ID once: another organizer gets 409, an identical retry gets the same call', async () => {
    const groupCallId = randomUUID();
    const alice = sub('alice');
    const request: CreateCallRequest = {
      groupCallId: groupCallId.toUpperCase(),
      title: 'Standup',
      invitees: ['x'],
    };
    const first = await calls.create(caller(alice), request);
    expect(first.groupCallId).toBe(groupCallId);
    expect(await calls.create(caller(alice), request)).toEqual(first);
    expect(await rejection(calls.create(caller(alice), { ...request, title: 'Other' }))).toMatchObject({
      status: 409,
      code: 'GroupCallIdTaken',
    });
    const mallory = sub('mallory');
    expect(await rejection(calls.create(caller(mallory), request))).toMatchObject({ status: 409 });
    const racers = await Promise.allSettled(
      [sub('a'), sub('b'), sub('c'), sub('d')].map((s) =>
        calls.create(caller(s), { groupCallId: randomUUID() }),
      ),
    );
    expect(racers.every((r) => r.status === 'fulfilled')).toBe(true);
    const contested = randomUUID();
    const contenders = await Promise.allSettled(
      [sub('a'), sub('b'), sub('c'), sub('d')].map((s) =>
        calls.create(caller(s), { groupCallId: contested }),
      ),
    );
    expect(contenders.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await listAll(mallory)).toEqual([]);
  });

  it('enforces the time rules and the invitee cap before writing anything', async () => {
    const alice = sub('alice');
    const bad: CreateCallRequest[] = [
      { startsAt: at(2 * hour), endsAt: at(hour) },
      { endsAt: at(hour) },
      { startsAt: at(hour), endsAt: at(hour + 200 * hour) },
      { startsAt: at(-25 * hour) },
      { startsAt: at(400 * 24 * hour) },
      { startsAt: at(-3 * hour), endsAt: at(-2 * hour) },
      { invitees: Array.from({ length: 31 }, (_, i) => `i${i}`) },
    ];
    for (const request of bad) {
      expect(await rejection(calls.create(caller(alice), request)), JSON.stringify(request)).toMatchObject({
        status: 400,
      });
    }
    expect(await listAll(alice)).toEqual([]);
  });
});

describe('access', () => {
  it('shows a call to its organizer and invitees only; only the organizer changes it', async () => {
    const [alice, bob, eve] = [sub('alice'), sub('bob'), sub('eve')];
    const call = await calls.create(caller(alice), { invitees: [bob] });
    const id = call.id;
    const outsiders = [
      () => calls.get(caller(eve), id),
      () => calls.update(caller(eve), id, { title: 'x' }),
      () => calls.invite(caller(eve), id, [eve]),
      () => calls.uninvite(caller(eve), id, bob),
      () => calls.cancel(caller(eve), id),
      () => calls.join(caller(eve), id),
    ];
    for (const attempt of outsiders)
      expect(await rejection(attempt())).toMatchObject({ status: 404, code: 'CallNotFound' });
    const invitee = [
      () => calls.update(caller(bob), id, { title: 'x' }),
      () => calls.invite(caller(bob), id, [eve]),
      () => calls.uninvite(caller(bob), id, bob),
      () => calls.cancel(caller(bob), id),
    ];
    for (const attempt of invitee) expect(await rejection(attempt())).toMatchObject({ status: 403 });
    expect(await rejection(calls.get(caller(alice), randomUUID()))).toMatchObject({ status: 404 });
    expect(await calls.get(caller(alice), id)).toEqual(call);
  });

  it('rejects a continuation token it did not make', async () => {
    for (const token of [
      'nope',
      Buffer.from('{"after":"x"}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ]) {
      expect(
        await rejection(calls.list(caller('anyone'), { limit: 5, continuationToken: token })),
      ).toMatchObject({
        status: 400,
        code: 'InvalidContinuationToken',
      });
    }
  });
});

describe('invitees', () => {
  it('loses nobody when 20 invites race, and keeps every index row in step', async () => {
    const alice = sub('alice');
    const call = await calls.create(caller(alice), { startsAt: at(hour) });
    const invitees = Array.from({ length: 20 }, (_, i) => sub(`guest${i}`));
    await Promise.all(invitees.map((invitee) => calls.invite(caller(alice), call.id, [invitee])));
    const final = await calls.get(caller(alice), call.id);
    expect(final.invitees.map((i) => i.subjectId).sort()).toEqual([...invitees].sort());
    for (const invitee of invitees) expect((await listAll(invitee)).map((c) => c.id)).toEqual([call.id]);
  });

  it('moves every index row when startsAt changes, and drops an uninvited subject from lists', async () => {
    const [alice, bob, carol] = [sub('alice'), sub('bob'), sub('carol')];
    const first = await calls.create(caller(alice), {
      title: 'first',
      startsAt: at(hour),
      invitees: [bob, carol],
    });
    const second = await calls.create(caller(alice), {
      title: 'second',
      startsAt: at(2 * hour),
      invitees: [bob],
    });
    const moved = await calls.update(caller(alice), first.id, {
      startsAt: at(3 * hour),
      endsAt: at(4 * hour),
    });
    expect(moved.endsAt).toBeDefined();
    expect((await listAll(bob)).map((c) => c.title)).toEqual(['second', 'first']);
    expect((await listAll(carol)).map((c) => c.title)).toEqual(['first']);
    await calls.update(caller(alice), first.id, { startsAt: null, endsAt: null });
    expect((await listAll(alice)).map((c) => c.title)).toEqual(['second', 'first']);
    await calls.uninvite(caller(alice), first.id, carol);
    await calls.uninvite(caller(alice), first.id, carol);
    expect(await listAll(carol)).toEqual([]);
    expect(await rejection(calls.get(caller(carol), first.id))).toMatchObject({ status: 404 });
    const index = createCallIndex(tablesOf(services.config).CallIndex);
    expect((await index.page(carol, { limit: 10 })).rows).toEqual([]);
    expect((await index.page(bob, { limit: 10 })).rows).toHaveLength(2);
    expect(second.status).toBe('scheduled');
  });

  it('caps the invitees of a call with 409 once it is full', async () => {
    const alice = sub('alice');
    const call = await calls.create(caller(alice), {
      invitees: Array.from({ length: 30 }, (_, i) => `g${i}`),
    });
    expect(await rejection(calls.invite(caller(alice), call.id, ['one-more']))).toMatchObject({
      status: 409,
      code: 'InviteeLimitReached',
    });
    // Changing a role of someone already there adds nobody.
    const updated = await calls.invite(caller(alice), call.id, [{ subjectId: 'g0', role: 'Consumer' }]);
    expect(updated.invitees[0]).toEqual({ subjectId: 'g0', role: 'Consumer' });
  });
});

describe('failures part-way', () => {
  it('an index row that cannot be written fails the invite with 503 and changes nothing; the retry completes', async () => {
    const [alice, bob] = [sub('alice'), sub('bob')];
    const call = await calls.create(caller(alice), {});
    const broken = callServiceWith({
      index: createCallIndex(await unreachableTable(tablesOf(services.config).CallIndex)),
    });
    expect(await rejection(broken.invite(caller(alice), call.id, [bob]))).toMatchObject({
      status: 503,
      code: 'StorageUnavailable',
    });
    expect((await calls.get(caller(alice), call.id)).invitees).toEqual([]);
    await calls.invite(caller(alice), call.id, [bob]);
    expect((await listAll(bob)).map((c) => c.id)).toEqual([call.id]);
  });

  it('a record that cannot be written leaves no half call; the retry creates it once, and the orphan row goes', async () => {
    const [alice, bob] = [sub('alice'), sub('bob')];
    const real = createCallStore(tablesOf(services.config).Calls);
    const failing = createCallStore(await unreachableTable(tablesOf(services.config).Calls));
    const broken = callServiceWith({ store: { ...real, create: failing.create } });
    expect(await rejection(broken.create(caller(alice), { title: 'x', invitees: [bob] }))).toMatchObject({
      status: 503,
    });
    expect(await listAll(alice)).toEqual([]);
    expect(await listAll(bob)).toEqual([]);
    const created = await calls.create(caller(alice), { title: 'x', invitees: [bob] });
    expect((await listAll(bob)).map((c) => c.id)).toEqual([created.id]);

    // The failed try left bob an index row whose call never appeared: skipped now, swept after the grace.
    const index = createCallIndex(tablesOf(services.config).CallIndex);
    expect((await index.page(bob, { limit: 10 })).rows).toHaveLength(2);
    const later = callServiceWith({ clock: () => new Date(Date.now() + orphanGraceMs + 60_000) });
    expect((await later.list(caller(bob), { limit: 10 })).calls.map((c) => c.id)).toEqual([created.id]);
    expect((await index.page(bob, { limit: 10 })).rows.map((row) => row.callId)).toEqual([created.id]);
  });
});

describe('rows a write left behind', () => {
  it('hides them, keeps one a write under way may need, and sweeps one an older version left', async () => {
    const [alice, eve] = [sub('alice'), sub('eve')];
    const call = await calls.create(caller(alice), { startsAt: at(hour) });
    const index = createCallIndex(tablesOf(services.config).CallIndex);
    const store = createCallStore(tablesOf(services.config).Calls);
    const record = await store.read(call.id);
    const rowKey = indexRowKey(call);
    await index.put(eve, rowKey, call.id, record?.etag ?? '');
    expect(await listAll(eve)).toEqual([]);
    expect((await index.page(eve, { limit: 5 })).rows).toHaveLength(1);
    await calls.update(caller(alice), call.id, { title: 'renamed' });
    expect(await listAll(eve)).toEqual([]);
    expect((await index.page(eve, { limit: 5 })).rows).toEqual([]);
  });
});

describe('rooms', () => {
  it('keeps the ACS roster in step: create, invite, join, uninvite, reschedule, cancel', async () => {
    const [alice, bob, carol, dave] = [sub('alice'), sub('bob'), sub('carol'), sub('dave')];
    const bobId = await services.identities.defaultIdentity(bob);
    const daveId = await services.identities.defaultIdentity(dave);
    const startsAt = at(hour);
    const endsAt = at(3 * hour);
    const call = await calls.create(caller(alice), {
      kind: 'room',
      startsAt,
      endsAt,
      invitees: [bob, carol],
    });
    expect(call.invitees).toEqual([
      { subjectId: bob, role: 'Attendee' },
      { subjectId: carol, role: 'Attendee' },
    ]);
    const roomId = call.roomId ?? '';
    const aliceId = await services.identities.defaultIdentity(alice);
    let room = await roomAtAcs(kit.rooms, roomId);
    expect(room?.participants).toEqual({ [aliceId]: 'Presenter', [bobId]: 'Attendee' });
    expect(room?.validFrom.toISOString()).toBe(startsAt);
    expect(room?.validUntil.toISOString()).toBe(endsAt);

    const joined = await calls.join(caller(carol), call.id, 60);
    expect(joined.scopes).toEqual(['voip.join']);
    await calls.invite(caller(alice), call.id, [{ subjectId: dave, role: 'Consumer' }]);
    await calls.invite(caller(alice), call.id, [{ subjectId: bob, role: 'Presenter' }]);
    room = await roomAtAcs(kit.rooms, roomId);
    expect(room?.participants).toEqual({
      [aliceId]: 'Presenter',
      [bobId]: 'Presenter',
      [joined.communicationUserId]: 'Attendee',
      [daveId]: 'Consumer',
    });

    await calls.uninvite(caller(alice), call.id, bob);
    expect(Object.keys((await roomAtAcs(kit.rooms, roomId))?.participants ?? {})).not.toContain(bobId);

    const newEnd = at(5 * hour);
    await calls.update(caller(alice), call.id, { endsAt: newEnd });
    expect((await roomAtAcs(kit.rooms, roomId))?.validUntil.toISOString()).toBe(newEnd);

    await calls.cancel(caller(alice), call.id);
    expect(await roomAtAcs(kit.rooms, roomId)).toBeUndefined();
    expect(await rejection(calls.join(caller(carol), call.id))).toMatchObject({
      status: 409,
      code: 'CallCancelled',
    });
    await calls.cancel(caller(alice), call.id);
    expect(await listAll(carol)).toEqual([]);
  });

  it('answers 503 and leaves no call when ACS cannot create the room; the retry works', async () => {
    const alice = sub('alice');
    kit.stack.emulator.injectFaults({ count: 4, status: 503, operation: 'createRoom' });
    expect(await rejection(calls.create(caller(alice), { kind: 'room', invitees: ['x'] }))).toMatchObject({
      status: 503,
      code: 'AcsUnavailable',
    });
    expect(await listAll(alice)).toEqual([]);
    const call = await calls.create(caller(alice), { kind: 'room', invitees: ['x'] });
    const room = await roomAtAcs(kit.rooms, call.roomId ?? '');
    expect(room && room.validUntil.getTime() - room.validFrom.getTime()).toBe(24 * hour);
  });

  it('completes the roster when an invite is retried after ACS failed part-way', async () => {
    const [alice, bob] = [sub('alice'), sub('bob')];
    const bobId = await services.identities.defaultIdentity(bob);
    const call = await calls.create(caller(alice), { kind: 'room' });
    kit.stack.emulator.injectFaults({ count: 4, status: 500, operation: 'updateParticipants' });
    expect(await rejection(calls.invite(caller(alice), call.id, [bob]))).toMatchObject({ status: 503 });
    expect((await roomAtAcs(kit.rooms, call.roomId ?? ''))?.participants[bobId]).toBeUndefined();
    await calls.invite(caller(alice), call.id, [bob]);
    expect((await roomAtAcs(kit.rooms, call.roomId ?? ''))?.participants[bobId]).toBe('Attendee');
  });
});

describe('erasing a subject', () => {
  it('takes them off calls and rosters, and cancels the calls they organize', async () => {
    const [alice, bob] = [sub('alice'), sub('bob')];
    const bobId = await services.identities.defaultIdentity(bob);
    const room = await calls.create(caller(alice), { kind: 'room', invitees: [bob] });
    const own = await calls.create(caller(bob), { invitees: [alice] });
    await calls.eraseSubject(bob);
    expect((await calls.get(caller(alice), room.id)).invitees).toEqual([]);
    expect((await roomAtAcs(kit.rooms, room.roomId ?? ''))?.participants[bobId]).toBeUndefined();
    expect((await calls.get(caller(alice), own.id)).status).toBe('cancelled');
    expect((await listAll(alice)).map((c) => c.id)).toEqual([room.id]);
    expect(await listAll(bob)).toEqual([]);
  });
});

describe('teams meetings through Microsoft Graph', () => {
  let graph: GraphTestServer;
  let withGraph: AppServices;
  const organizerUserId = 'organizer@contoso.example';

  beforeAll(async () => {
    graph = await startGraphTestServer(organizerUserId);
    withGraph = await kit.servicesWith(
      { GRAPH_BASE_URL: graph.baseUrl, GRAPH_ORGANIZER_USER_ID: organizerUserId },
      fixedCredential(graph.token),
    );
  });
  afterAll(() => graph.close());

  it('creates the meeting when no link is given, with the subject and times of the call', async () => {
    const alice = sub('alice');
    const startsAt = at(hour);
    const call = await withGraph.calls.create(caller(alice), {
      kind: 'teams',
      title: 'Review',
      startsAt,
      invitees: ['b'],
    });
    expect(call.teamsMeetingLink).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(call).not.toHaveProperty('teamsMeetingId');
    const request = graph.requests.at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      path: `/v1.0/users/${encodeURIComponent(organizerUserId)}/onlineMeetings`,
      authorization: `Bearer ${graph.token}`,
      body: {
        subject: 'Review',
        startDateTime: startsAt,
        endDateTime: new Date(Date.parse(startsAt) + hour).toISOString(),
      },
    });
    const given = 'https://teams.live.com/meet/9876543210?p=abc';
    const count = graph.requests.length;
    expect(
      (await withGraph.calls.create(caller(alice), { kind: 'teams', teamsMeetingLink: given }))
        .teamsMeetingLink,
    ).toBe(given);
    expect(graph.requests).toHaveLength(count);
  });

  it('health says when Graph is configured but not authorized, degraded but not out of rotation', async () => {
    const separate = await startGraphTestServer(organizerUserId);
    // An identity provider that answers, so that Graph is the only check that can be down.
    const idp = await startTestOidcIssuer();
    const settings = {
      GRAPH_BASE_URL: separate.baseUrl,
      GRAPH_ORGANIZER_USER_ID: organizerUserId,
      AUTH_ISSUER: idp.issuer,
    };
    try {
      const services = await kit.servicesWith(settings, fixedCredential(separate.token));
      expect(await services.health()).toMatchObject({ status: 'ok', checks: { graph: { status: 'up' } } });
      const denied = await kit.servicesWith(settings, fixedCredential(separate.token));
      separate.denyAccess();
      const report = await denied.health();
      // Teams meetings wait for an admin's grant; every other route works, so the instance stays in.
      expect(report.status).toBe('degraded');
      expect(report.checks.graph).toEqual({
        status: 'down',
        detail: expect.stringContaining('configured but not authorized') as string,
      });
      // Asked once and remembered: anonymous health calls do not each become a Graph request.
      const asked = separate.requests.length;
      await denied.health();
      expect(separate.requests).toHaveLength(asked);
    } finally {
      await separate.close();
      await idp.close();
    }
  });

  it('retries a throttled Graph, and answers 503 when Graph refuses, with nothing written', async () => {
    const alice = sub('alice');
    graph.failNext(429, 1, 0);
    expect((await withGraph.calls.create(caller(alice), { kind: 'teams' })).teamsMeetingLink).toBeDefined();
    graph.failNext(403);
    expect(await rejection(withGraph.calls.create(caller(alice), { kind: 'teams' }))).toMatchObject({
      status: 503,
      code: 'GraphAccessDenied',
    });
    graph.failNext(500, 10);
    expect(await rejection(withGraph.calls.create(caller(alice), { kind: 'teams' }))).toMatchObject({
      status: 503,
    });
    expect((await withGraph.calls.list(caller(alice), { limit: 10 })).calls).toHaveLength(1);
  });

  it('without Graph, a Teams call needs its link: 400', async () => {
    expect(await rejection(calls.create(caller(sub('alice')), { kind: 'teams' }))).toMatchObject({
      status: 400,
      code: 'TeamsMeetingLinkRequired',
    });
  });
});
