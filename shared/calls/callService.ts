import { systemClock, type Clock } from '../time/clock';
import { randomUUID } from 'node:crypto';
import type { AcsRoomsGateway, RoomParticipant } from '../acs/acsRoomsGateway';
import type { CreateCallRequest, InviteeInput, UpdateCallRequest } from './callRequests';
import type { Caller } from '../auth/caller';
import type { AcsScope } from '../config/acsScopes';
import { badRequest, conflict } from '../errors/serviceError';
import type { OnlineMeetings } from '../graph/graphOnlineMeetings';
import type { IdentityService } from '../identity/identityService';
import type { IssuedToken } from '../tokens/issuedToken';
import type { TokenService } from '../tokens/tokenService';
import { isMember, publicCall, type Call, type Invitee, type InviteeRole, type StoredCall } from './call';
import { assertScheduled, organizedCall, visibleCall } from './callAccess';
import {
  decodeContinuation,
  encodeContinuation,
  indexRowKey,
  type CallIndex,
  type CallIndexRow,
} from './callIndex';
import { isListedRow, isStaleRow } from './callIndexRows';
import {
  assertValidSchedule,
  normalizedTime,
  roomWindow,
  type CallLimits,
  type Schedule,
} from './callSchedule';
import { inviteeChunks, type CallStore, type CallVersion } from './callStore';
import { createCallWriter, type IndexEntry } from './callWriter';
import { claimGroupCall } from './groupCallClaim';
import { assertCallWithinCap, assertRequestWithinCap, mergeInvitees, toInvitees } from './inviteeList';
import type { SubjectIdentities } from './subjectIdentities';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';

export interface CallPage {
  calls: Call[];
  continuationToken?: string;
}

export interface JoinedCall extends IssuedToken {
  call: Call;
}

export interface CallService {
  /** The caller becomes the organizer. */
  create(caller: Caller, request: CreateCallRequest): Promise<Call>;
  /** Scheduled calls the caller organizes or is invited to, by startsAt (unscheduled ones last). */
  list(caller: Caller, page: { limit: number; continuationToken?: string | undefined }): Promise<CallPage>;
  get(caller: Caller, callId: string): Promise<Call>;
  update(caller: Caller, callId: string, patch: UpdateCallRequest): Promise<Call>;
  invite(caller: Caller, callId: string, invitees: readonly InviteeInput[]): Promise<Call>;
  /** Idempotent: a subject not (or no longer) invited is a success. */
  uninvite(caller: Caller, callId: string, subjectId: string): Promise<void>;
  /** Idempotent: cancelling a cancelled call finishes what an earlier try left undone. */
  cancel(caller: Caller, callId: string): Promise<void>;
  join(caller: Caller, callId: string, expiresInMinutes?: number | undefined): Promise<JoinedCall>;
  /** The subject leaves every call: invitations dropped, calls they organize cancelled. */
  /**
   * `alsoOn` runs for every call the subject was on, once they are off it (and it is cancelled, if they
   * organized it): what else was kept about them on the call goes then, after anything the cancel wrote.
   */
  eraseSubject(subjectId: string, alsoOn?: (callId: string) => Promise<void>): Promise<void>;
}

export interface CallServiceOptions {
  store: CallStore;
  index: CallIndex;
  rooms: AcsRoomsGateway;
  /** Present when the service may create Teams meetings itself (Microsoft Graph). */
  onlineMeetings?: OnlineMeetings;
  identities: Pick<IdentityService, 'defaultIdentity'>;
  subjectIdentities: SubjectIdentities;
  tokens: Pick<TokenService, 'issueForJoin'>;
  limits: CallLimits;
  /**
   * After a call is cancelled (by its organizer, or by their erasure): ends whatever the service still does
   * on it (Call Automation's connection). Idempotent, like the cancel it follows.
   */
  endAutomation?: (organizer: string, callId: string) => Promise<void>;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

const hourMs = 60 * 60 * 1000;

export function createCallService(options: CallServiceOptions): CallService {
  const { store, index, rooms, subjectIdentities, limits } = options;
  const clock = options.clock ?? systemClock;
  const writer = createCallWriter({
    store,
    index,
    clock,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });

  const read = async (callId: string) => (await store.read(callId))?.value;

  /** Members of a room are on its roster with their identity, when they have one already. */
  const rosterOf = async (invitees: readonly Invitee[]): Promise<RoomParticipant[]> => {
    const found = await mapWithConcurrency(invitees, storageFanOut, async (invitee) => {
      const communicationUserId = await subjectIdentities.joiningIdentity(invitee.subjectId);
      return communicationUserId ? { communicationUserId, role: invitee.role ?? 'Attendee' } : undefined;
    });
    return found.filter((participant): participant is RoomParticipant => participant !== undefined);
  };

  const memberEntries = (call: StoredCall): IndexEntry[] =>
    [call.organizer, ...call.invitees.map((invitee) => invitee.subjectId)].map((subjectId) => ({
      subjectId,
      rowKey: indexRowKey(call),
    }));

  const writeNew = async (call: StoredCall): Promise<StoredCall> => {
    const written = await writer.create(call);
    if (written) return written;
    // Only a group call can meet its own id: a request for the same group call ID wrote it a moment ago.
    const outcome = await claimGroupCall(store, call);
    if (outcome.kind === 'existing') return outcome.call;
    throw conflict('This group call ID is registered for another call already.', {
      code: 'GroupCallIdTaken',
    });
  };

  const createGroupCall = async (call: StoredCall): Promise<StoredCall> => {
    const outcome = await claimGroupCall(store, call);
    if (outcome.kind === 'existing') return outcome.call;
    return writeNew({ ...call, id: outcome.callId });
  };

  const createTeamsCall = async (call: StoredCall, link: string | undefined): Promise<StoredCall> => {
    if (link) return writeNew({ ...call, teamsMeetingLink: link });
    const meetings = options.onlineMeetings;
    if (!meetings) throw teamsLinkRequired();
    const startsAt = call.startsAt ? new Date(call.startsAt) : clock();
    const endsAt = call.endsAt ? new Date(call.endsAt) : new Date(startsAt.getTime() + hourMs);
    const meeting = await meetings.create({ subject: call.title || 'Call', startsAt, endsAt });
    return writeNew({ ...call, teamsMeetingLink: meeting.joinWebUrl, teamsMeetingId: meeting.meetingId });
  };

  /*
   * The room comes first, then the call: a failure creating the room leaves nothing behind. A failure
   * after it leaves a room no call points to, which ACS ends at its validUntil; deleting it on the way
   * out could take the room from a call whose write did land.
   */
  const createRoomCall = async (call: StoredCall): Promise<StoredCall> => {
    const organizerIdentity = await options.identities.defaultIdentity(call.organizer);
    const participants = [
      { communicationUserId: organizerIdentity, role: 'Presenter' as const },
      ...(await rosterOf(call.invitees)),
    ];
    const roomId = await rooms.createRoom(roomWindow(call, clock()), participants);
    return writeNew({ ...call, roomId });
  };

  const roleOf = (call: StoredCall, subjectId: string): InviteeRole =>
    call.organizer === subjectId
      ? 'Presenter'
      : (call.invitees.find((invitee) => invitee.subjectId === subjectId)?.role ?? 'Attendee');

  const dropInvitee = (call: StoredCall, subjectId: string): StoredCall | undefined =>
    call.invitees.some((invitee) => invitee.subjectId === subjectId)
      ? { ...call, invitees: call.invitees.filter((invitee) => invitee.subjectId !== subjectId) }
      : undefined;

  /** Off the call, off the roster (every identity they could have joined with), and their row swept. */
  const removeInvitee = async (
    callId: string,
    subjectId: string,
    change: (call: StoredCall) => StoredCall | undefined,
  ) => {
    const call = await writer.update(callId, change);
    if (call.roomId)
      await rooms.removeParticipants(call.roomId, await subjectIdentities.allIdentities(subjectId));
    await writer.sweep(callId, [{ subjectId, rowKey: indexRowKey(call) }]);
  };

  /** Cancelled first (the truth), then the room and the rows: a retry redoes the last two. */
  const cancelCall = async (callId: string, change: (call: StoredCall) => StoredCall | undefined) => {
    const call = await writer.update(callId, change);
    await options.endAutomation?.(call.organizer, callId);
    if (call.roomId) await rooms.deleteRoom(call.roomId);
    await writer.sweep(callId, memberEntries(call));
  };

  const cancelled = (call: StoredCall): StoredCall | undefined =>
    call.status === 'cancelled' ? undefined : { ...call, status: 'cancelled' };

  return {
    async create(caller, request) {
      const kind = request.kind ?? 'group';
      if (kind === 'outbound') {
        throw badRequest('Outbound calls are placed by Call Automation, which is not set up here.', {
          code: 'CallAutomationNotConfigured',
        });
      }
      const requested = toInvitees(request.invitees);
      assertRequestWithinCap(requested, limits.maxInvitees);
      if (kind === 'teams' && !request.teamsMeetingLink && !options.onlineMeetings) throw teamsLinkRequired();
      const now = clock();
      const schedule = normalizedSchedule(request.startsAt, request.endsAt);
      assertValidSchedule(schedule, { startsAt: true, endsAt: true }, now, limits);
      const invitees = mergeInvitees([], requested, { organizer: caller.subjectId, kind });
      inviteeChunks(invitees);
      const call: StoredCall = {
        id: randomUUID(),
        kind,
        title: request.title ?? '',
        organizer: caller.subjectId,
        ...schedule,
        invitees,
        status: 'scheduled',
        createdAt: now.toISOString(),
      };
      if (kind === 'room') return publicCall(await createRoomCall(call));
      if (kind === 'teams') return publicCall(await createTeamsCall(call, request.teamsMeetingLink));
      const groupCallId = (request.groupCallId ?? randomUUID()).toLowerCase();
      return publicCall(await createGroupCall({ ...call, groupCallId }));
    },

    async list(caller, { limit, continuationToken }) {
      const after =
        continuationToken === undefined ? undefined : decodeContinuation(caller.subjectId, continuationToken);
      const page = await index.page(caller.subjectId, { limit, ...(after ? { after } : {}) });
      const records = new Map<string, CallVersion | undefined>();
      await mapWithConcurrency(
        [...new Set(page.rows.map((row) => row.callId))],
        storageFanOut,
        async (callId) => {
          records.set(callId, await store.read(callId));
        },
      );
      const calls: Call[] = [];
      const nowMs = clock().getTime();
      const stale: CallIndexRow[] = [];
      for (const row of page.rows) {
        const record = records.get(row.callId);
        if (record && row.subjectId === caller.subjectId && isListedRow(row, record))
          calls.push(publicCall(record.value));
        else if (isStaleRow(row, record, nowMs)) stale.push(row);
      }
      // Rows a failed or superseded write left behind go as they are met; never at the list's expense.
      await mapWithConcurrency(stale, storageFanOut, (row) => index.remove(row)).catch(() => undefined);
      return {
        calls,
        ...(page.after ? { continuationToken: encodeContinuation(caller.subjectId, page.after) } : {}),
      };
    },

    async get(caller, callId) {
      return publicCall(visibleCall(await read(callId), caller.subjectId));
    },

    async update(caller, callId, patch) {
      const now = clock();
      const call = await writer.update(
        callId,
        (current) => {
          organizedCall(current, caller.subjectId);
          assertScheduled(current);
          const schedule = normalizedSchedule(
            patch.startsAt === undefined ? current.startsAt : patch.startsAt,
            patch.endsAt === undefined ? current.endsAt : patch.endsAt,
          );
          const changed = { startsAt: patch.startsAt !== undefined, endsAt: patch.endsAt !== undefined };
          assertValidSchedule(schedule, changed, now, limits);
          const { startsAt: _startsAt, endsAt: _endsAt, ...rest } = current;
          return { ...rest, title: patch.title ?? current.title, ...schedule };
        },
        async (next, current) => {
          if (next.roomId && (next.startsAt !== current.startsAt || next.endsAt !== current.endsAt)) {
            await rooms.updateWindow(next.roomId, roomWindow(next, now));
          }
        },
      );
      return publicCall(call);
    },

    async invite(caller, callId, input) {
      const added = toInvitees(input);
      assertRequestWithinCap(added, limits.maxInvitees);
      const call = await writer.update(callId, (current) => {
        organizedCall(current, caller.subjectId);
        assertScheduled(current);
        const invitees = mergeInvitees(current.invitees, added, current);
        if (invitees.length > current.invitees.length) assertCallWithinCap(invitees, limits.maxInvitees);
        inviteeChunks(invitees);
        return { ...current, invitees };
      });
      if (call.roomId) {
        // After the record, and on every try: an invite retried after a failure here completes the roster.
        const names = new Set(added.map((invitee) => invitee.subjectId));
        await rooms.addOrUpdateParticipants(
          call.roomId,
          await rosterOf(call.invitees.filter((invitee) => names.has(invitee.subjectId))),
        );
      }
      return publicCall(call);
    },

    async uninvite(caller, callId, subjectId) {
      await removeInvitee(callId, subjectId, (current) => {
        organizedCall(current, caller.subjectId);
        assertScheduled(current);
        if (subjectId === current.organizer) {
          throw badRequest('The organizer is not an invitee; cancel the call instead.', {
            code: 'OrganizerNotInvitee',
          });
        }
        return dropInvitee(current, subjectId);
      });
    },

    async cancel(caller, callId) {
      await cancelCall(callId, (current) => cancelled(organizedCall(current, caller.subjectId)));
    },

    async join(caller, callId, expiresInMinutes) {
      const call = visibleCall(await read(callId), caller.subjectId);
      assertScheduled(call);
      const communicationUserId = await options.identities.defaultIdentity(caller.subjectId);
      let scopes: AcsScope[] = ['voip'];
      if (call.roomId) {
        scopes = ['voip.join'];
        await rooms.addOrUpdateParticipants(call.roomId, [
          { communicationUserId, role: roleOf(call, caller.subjectId) },
        ]);
        await assertStillOnCall(callId, caller.subjectId, call.roomId, communicationUserId);
      }
      const token = await options.tokens.issueForJoin(caller, {
        communicationUserId,
        scopes,
        expiresInMinutes,
      });
      return { call: publicCall(call), ...token };
    },

    async eraseSubject(subjectId, alsoOn) {
      let after: string | undefined;
      do {
        const page = await index.page(subjectId, { limit: 100, ...(after ? { after } : {}) });
        for (const callId of new Set(page.rows.map((row) => row.callId))) {
          const call = await read(callId);
          if (call?.organizer === subjectId) await cancelCall(callId, cancelled);
          // Invitations go from cancelled calls too: erasing a subject is not a change of plans.
          else if (call) await removeInvitee(callId, subjectId, (current) => dropInvitee(current, subjectId));
          await alsoOn?.(callId);
        }
        await mapWithConcurrency(page.rows, storageFanOut, (row) => writer.sweep(row.callId, [row]));
        after = page.after;
      } while (after);
    },
  };

  /**
   * An uninvite that landed between reading the call and adding the caller to the roster would leave
   * them on it: look again, and take them off if so.
   */
  async function assertStillOnCall(
    callId: string,
    subjectId: string,
    roomId: string,
    communicationUserId: string,
  ) {
    const latest = await read(callId);
    if (latest && latest.status === 'scheduled' && isMember(latest, subjectId)) return;
    await rooms.removeParticipants(roomId, [communicationUserId]);
    visibleCall(latest, subjectId);
    throw conflict('The call is cancelled.', { code: 'CallCancelled' });
  }
}

function normalizedSchedule(
  startsAt: string | null | undefined,
  endsAt: string | null | undefined,
): Schedule {
  return {
    ...(startsAt ? { startsAt: normalizedTime(startsAt) } : {}),
    ...(endsAt ? { endsAt: normalizedTime(endsAt) } : {}),
  };
}

const teamsLinkRequired = () =>
  badRequest('A Teams call needs a teamsMeetingLink: this service is not set up to create Teams meetings.', {
    code: 'TeamsMeetingLinkRequired',
    errors: [{ path: '/teamsMeetingLink', message: 'is required' }],
  });
