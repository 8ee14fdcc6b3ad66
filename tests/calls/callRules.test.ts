import { describe, expect, it } from 'vitest';
import {
  createCallRequestSchema,
  inviteRequestSchema,
  updateCallRequestSchema,
} from '../../shared/api/callSchemas';
import type { StoredCall } from '../../shared/calls/call';
import {
  decodeContinuation,
  encodeContinuation,
  indexRowKey,
  type CallIndexRow,
} from '../../shared/calls/callIndex';
import { isStaleRow, orphanGraceMs } from '../../shared/calls/callIndexRows';
import { assertValidSchedule, roomWindow } from '../../shared/calls/callSchedule';
import { inviteeChunks } from '../../shared/calls/callStore';
import { mergeInvitees } from '../../shared/calls/inviteeList';
import { isTeamsMeetingLink } from '../../shared/graph/teamsMeetingLink';

const now = new Date('2030-01-01T12:00:00Z');
const limits = { maxDurationHours: 168, maxDaysAhead: 365 };
const hour = 60 * 60 * 1000;
const iso = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

describe('Teams join links', () => {
  it.each([
    'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d',
    'https://teams.live.com/meet/9876543210?p=xyz',
    'https://TEAMS.microsoft.com/meet/123',
  ])('accepts %s', (link) => expect(isTeamsMeetingLink(link)).toBe(true));

  it.each([
    'http://teams.microsoft.com/l/meetup-join/abc',
    'https://teams.microsoft.com.evil.example/l/meetup-join/abc',
    'https://evil.example/l/meetup-join/abc',
    'https://teams.microsoft.com/l/chat/abc',
    'https://teams.microsoft.com/meet/',
    'https://teams.microsoft.com:8443/meet/123',
    'https://user:pw@teams.microsoft.com/meet/123',
    'https://teams.microsoft.com/meet/1 23',
    'javascript:alert(1)',
    'not a url',
  ])('rejects %s', (link) => expect(isTeamsMeetingLink(link)).toBe(false));
});

describe('request schemas', () => {
  it('ties groupCallId to group calls and teamsMeetingLink to Teams calls', () => {
    expect(
      createCallRequestSchema(100).safeParse({ kind: 'room', groupCallId: crypto.randomUUID() }).success,
    ).toBe(false);
    expect(
      createCallRequestSchema(100).safeParse({ teamsMeetingLink: 'https://teams.live.com/meet/1' }).success,
    ).toBe(false);
    expect(
      createCallRequestSchema(100).safeParse({ groupCallId: '00000000-0000-0000-0000-000000000000' }).success,
    ).toBe(false);
    expect(createCallRequestSchema(100).safeParse({ startsAt: '2030-01-01T10:00:00' }).success).toBe(false);
    expect(createCallRequestSchema(100).safeParse({ title: 'x'.repeat(201) }).success).toBe(false);
    expect(createCallRequestSchema(100).safeParse({ invitees: ['a', { subjectId: 'a' }] }).success).toBe(
      false,
    );
    expect(
      createCallRequestSchema(100).safeParse({ invitees: [{ subjectId: 'a', role: 'Host' }] }).success,
    ).toBe(false);
    expect(createCallRequestSchema(100).safeParse({ colour: 'blue' }).success).toBe(false);
    expect(createCallRequestSchema(100).parse({ title: '  Weekly  ' }).title).toBe('Weekly');
  });

  it('needs something to change or to add', () => {
    expect(updateCallRequestSchema.safeParse({}).success).toBe(false);
    expect(updateCallRequestSchema.safeParse({ startsAt: null }).success).toBe(true);
    expect(inviteRequestSchema(100).safeParse({ invitees: [] }).success).toBe(false);
  });
});

describe('schedule rules', () => {
  const check =
    (schedule: { startsAt?: string; endsAt?: string }, changed = { startsAt: true, endsAt: true }) =>
    () =>
      assertValidSchedule(schedule, changed, now, limits);

  it('accepts a sane schedule, and times a request does not change whatever they are', () => {
    expect(check({ startsAt: iso(hour), endsAt: iso(2 * hour) })).not.toThrow();
    expect(
      check({ startsAt: iso(-48 * hour), endsAt: iso(-47 * hour) }, { startsAt: false, endsAt: false }),
    ).not.toThrow();
  });

  it.each([
    [{ endsAt: iso(hour) }, '/startsAt'],
    [{ startsAt: iso(2 * hour), endsAt: iso(hour) }, '/endsAt'],
    [{ startsAt: iso(hour), endsAt: iso(hour) }, '/endsAt'],
    [{ startsAt: iso(hour), endsAt: iso(hour + 169 * hour) }, '/endsAt'],
    [{ startsAt: iso(-25 * hour) }, '/startsAt'],
    [{ startsAt: iso(366 * 24 * hour) }, '/startsAt'],
    [{ startsAt: iso(-2 * hour), endsAt: iso(-hour) }, '/endsAt'],
  ])('rejects %j at %s', (schedule, path) => {
    expect(check(schedule)).toThrow(
      expect.objectContaining({
        status: 400,
        errors: expect.arrayContaining([expect.objectContaining({ path })]),
      }),
    );
  });

  it('gives a room a window that never starts in the past, a day long when open-ended', () => {
    expect(roomWindow({}, now)).toEqual({ validFrom: now, validUntil: new Date(now.getTime() + 24 * hour) });
    expect(roomWindow({ startsAt: iso(-hour), endsAt: iso(hour) }, now)).toEqual({
      validFrom: now,
      validUntil: new Date(now.getTime() + hour),
    });
  });
});

describe('invitee lists', () => {
  it('appends newcomers, updates roles, and skips the organizer', () => {
    const merged = mergeInvitees(
      [{ subjectId: 'a', role: 'Attendee' }],
      [
        { subjectId: 'org' },
        { subjectId: 'b' },
        { subjectId: 'a', role: 'Presenter' },
        { subjectId: 'c', role: 'Consumer' },
      ],
      { organizer: 'org', kind: 'room' },
    );
    expect(merged).toEqual([
      { subjectId: 'a', role: 'Presenter' },
      { subjectId: 'b', role: 'Attendee' },
      { subjectId: 'c', role: 'Consumer' },
    ]);
    expect(mergeInvitees([], [{ subjectId: 'b' }], { organizer: 'org', kind: 'group' })).toEqual([
      { subjectId: 'b' },
    ]);
  });

  it('splits a large list over properties under 64 KiB, and refuses one no entity could hold', () => {
    const invitees = Array.from({ length: 1000 }, (_, i) => ({ subjectId: `${'s'.repeat(250)}${i}` }));
    const chunks = inviteeChunks(invitees);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.length * 2 < 64 * 1024)).toBe(true);
    expect(JSON.parse(chunks.join(''))).toEqual(invitees);
    const escaped = Array.from({ length: 1000 }, (_, i) => ({ subjectId: `${'\u0001'.repeat(250)}${i}` }));
    expect(() => inviteeChunks(escaped)).toThrow(
      expect.objectContaining({ status: 400, code: 'InviteesTooLarge' }),
    );
  });
});

describe('the index', () => {
  const call: StoredCall = {
    id: '3f1c2a9e-8b4d-4c6e-9a7f-1b2c3d4e5f60',
    kind: 'group',
    title: '',
    organizer: 'org',
    invitees: [{ subjectId: 'bob' }],
    status: 'scheduled',
    createdAt: iso(0),
  };
  const row = (over: Partial<CallIndexRow>): CallIndexRow => ({
    subjectId: 'bob',
    callId: call.id,
    rowKey: indexRowKey(call),
    etag: 'e',
    basedOn: 'r0',
    writtenAt: 1000,
    ...over,
  });

  it('sorts scheduled calls by startsAt and puts unscheduled ones last', () => {
    const keys = [
      indexRowKey({ ...call, createdAt: iso(-hour) }),
      indexRowKey({ ...call, startsAt: iso(48 * hour) }),
      indexRowKey({ ...call, startsAt: iso(hour) }),
    ].sort();
    expect(keys.map((key) => key.slice(0, 1))).toEqual(['1', '1', '2']);
    expect(keys[0]).toBe(indexRowKey({ ...call, startsAt: iso(hour) }));
  });

  it('keeps a row a write may still need, and lets go of one the record outdates', () => {
    const record = { value: call, etag: 'r1' };
    expect(isStaleRow(row({}), record, 0)).toBe(false);
    // Put for an older version of the record: whatever wrote it can no longer land.
    expect(isStaleRow(row({ subjectId: 'eve' }), record, 0)).toBe(true);
    // Put for the version there now: a write still under way may need it.
    expect(isStaleRow(row({ subjectId: 'eve', basedOn: 'r1' }), record, 0)).toBe(false);
    expect(isStaleRow(row({}), { ...record, value: { ...call, status: 'cancelled' } }, 0)).toBe(true);
    expect(isStaleRow(row({}), undefined, 1000 + orphanGraceMs)).toBe(false);
    expect(isStaleRow(row({}), undefined, 1001 + orphanGraceMs)).toBe(true);
  });

  it('round-trips its continuation tokens and refuses others, and those of another subject', () => {
    const key = indexRowKey({ ...call, startsAt: iso(hour) });
    expect(decodeContinuation('alice', encodeContinuation('alice', key))).toBe(key);
    expect(() => decodeContinuation('alice', encodeContinuation('alice', '2_x'))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => decodeContinuation('bob', encodeContinuation('alice', key))).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidContinuationToken' }),
    );
  });
});
