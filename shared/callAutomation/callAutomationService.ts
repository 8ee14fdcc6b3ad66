import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AcsCallAutomationGateway,
  CallLocator,
  RecognizeRequest,
} from '../acs/acsCallAutomationGateway';
import type { AcsRoomsGateway } from '../acs/acsRoomsGateway';
import type { RepeatabilityPin } from '../acs/repeatability';
import type { Caller } from '../auth/caller';
import { publicCall, type Call, type StoredCall } from '../calls/call';
import { assertScheduled, organizedCall, visibleCall } from '../calls/callAccess';
import type { OutboundTarget } from '../calls/callRequests';
import type { CallStore } from '../calls/callStore';
import type { CallWriter } from '../calls/callWriter';
import type { SubjectIdentities } from '../calls/subjectIdentities';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';
import { badRequest, ServiceError } from '../errors/serviceError';
import { systemClock, type Clock } from '../time/clock';
import { automationProblems } from './automationProblems';
import type { AutomationStore, PartyRecord } from './automationStore';
import { acsRefusal, type AutomationWrites } from './automationWrites';
import { callbackUrl } from './callbackUrl';
import {
  isLive,
  type ConnectionRecord,
  type ConnectionState,
  type ResultInformation,
} from './connectionRecord';
import { derivedUuid } from './derivedId';
import { toneOf, type DtmfKey } from './dtmfTone';
import type { OperationKind, OperationRecord, OperationStatus, RecognizeResult } from './operationRecord';
import {
  maskPhoneNumber,
  participantIdOf,
  participantKind,
  phoneNumberOf,
  phoneRawId,
  type ParticipantKind,
} from './participantIdentity';
import type { PromptCatalog } from './promptCatalog';

export type AddParticipantRequest =
  { subjectId: string } | { phoneNumber: string; callerId?: string | undefined };

export interface PlayRequest {
  promptId: string;
  /** Absent: everyone on the call hears it. */
  participantId?: string | undefined;
}

export interface RecognizeInput {
  participantId: string;
  promptId?: string | undefined;
  interruptPrompt?: boolean | undefined;
  initialSilenceTimeoutSeconds?: number | undefined;
  dtmf?:
    | {
        maxTones: number;
        stopTones?: DtmfKey[] | undefined;
        interToneTimeoutSeconds?: number | undefined;
      }
    | undefined;
  choices?: Array<{ label: string; phrases: string[]; key?: DtmfKey | undefined }> | undefined;
}

export interface OutboundCallRequest {
  title?: string | undefined;
  targets: OutboundTarget[];
  callerId?: string | undefined;
  requestId?: string | undefined;
}

export interface ParticipantView {
  participantId: string;
  kind: ParticipantKind;
  subjectId?: string | undefined;
  /** The organizer sees it whole; anyone else masked. */
  phoneNumber?: string | undefined;
  isMuted: boolean;
}

export interface ConnectionView {
  callId: string;
  state: ConnectionState;
  /** ACS's id of the connection (organizer only): what ACS's own tools and the emulator name it by. */
  callConnectionId?: string | undefined;
  participants: ParticipantView[];
  endedBy?: ResultInformation | undefined;
  createdAt: string;
  updatedAt: string;
}

export interface OperationView {
  operationId: string;
  callId: string;
  kind: OperationKind;
  status: OperationStatus;
  participantId?: string | undefined;
  resultInformation?: ResultInformation | undefined;
  /** What a recognize collected: the organizer's alone, and only until it expires. */
  result?: RecognizeResult | undefined;
  createdAt: string;
  updatedAt: string;
}

/** The organizer's (and invitees', for reading) control of the service's part in a call. */
export interface CallAutomationService {
  /** The service joins the call (group call or Room); one live connection per call. created: a new one. */
  connect(caller: Caller, callId: string): Promise<{ connection: ConnectionView; created: boolean }>;
  get(caller: Caller, callId: string): Promise<ConnectionView>;
  /** Idempotent: a connection that is over, or none, is a success. */
  hangUp(caller: Caller, callId: string, forEveryone: boolean): Promise<void>;
  /**
   * The call was cancelled: the service's connection to it ends for everyone. A connection ACS has not
   * answered yet is left to end when its callbacks find the call cancelled. Idempotent.
   */
  endCancelledCall(organizer: string, callId: string): Promise<void>;
  addParticipant(caller: Caller, callId: string, request: AddParticipantRequest): Promise<OperationView>;
  removeParticipant(caller: Caller, callId: string, participantId: string): Promise<OperationView>;
  play(caller: Caller, callId: string, request: PlayRequest): Promise<OperationView>;
  recognize(caller: Caller, callId: string, request: RecognizeInput): Promise<OperationView>;
  cancelMedia(caller: Caller, callId: string): Promise<void>;
  getOperation(caller: Caller, callId: string, operationId: string): Promise<OperationView>;
  /** Places a call (kind "outbound") and records it like any other; the caller is its organizer. */
  placeCall(caller: Caller, request: OutboundCallRequest): Promise<Call>;
}

export interface CallAutomationServiceOptions {
  calls: Pick<CallStore, 'read'>;
  callWriter: Pick<CallWriter, 'create'>;
  store: AutomationStore;
  writes: AutomationWrites;
  gateway: AcsCallAutomationGateway;
  rooms: Pick<AcsRoomsGateway, 'enablePstnDialOut'>;
  prompts: Pick<PromptCatalog, 'find'>;
  subjectIdentities: Pick<SubjectIdentities, 'joiningIdentity'>;
  /** The subjects linked to an ACS identity (to name the people on a call). */
  subjectsOf: (communicationUserId: string) => Promise<string[]>;
  /** One phone call placed by the subject: the PSTN budget. */
  takePstnCall: (caller: Caller) => Promise<void>;
  pstnRole: string;
  callbackBaseUrl: string;
  clock?: Clock;
}

const defaultInitialSilenceSeconds = 5;
const defaultInterToneSeconds = 2;

/*
 * How an operation that costs (or rings) is made safe to retry, the duplicate-call trap:
 *   1. Its row is written first: the operation (pending) with a repeatability pair of its own, or the
 *      connection with the pair of the connect / createCall that makes it.
 *   2. ACS is called inside withRepeatability(pair): every try, in-process or not, sends that pair, and ACS
 *      answers a repeated pair as it answered the first (no second call, no second invitation).
 *   3. ACS's answer is written (acceptedAt, the callConnectionId). A failure before this leaves the row
 *      pending and unaccepted; the client's retry of the same request finds it (a connection per call, an
 *      add per person on it, an outbound call per requestId) and sends the same pair again.
 * ACS refusing for good (4xx) fails the operation (or ends the connection) and the client gets 409.
 */
export function createCallAutomationService(options: CallAutomationServiceOptions): CallAutomationService {
  const { store, writes, gateway } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock();
  const newPin = (): RepeatabilityPin => ({ requestId: randomUUID(), firstSent: now() });
  const newBindingId = () => randomBytes(16).toString('base64url');
  const urlFor = (connection: ConnectionRecord) =>
    callbackUrl(options.callbackBaseUrl, connection.callId, connection.bindingId);

  const readCall = async (callId: string) => (await options.calls.read(callId))?.value;
  const connectionOf = async (callId: string) => (await store.readConnection(callId))?.value;

  const connectedConnection = async (callId: string) => {
    const connection = await connectionOf(callId);
    if (!connection || connection.state !== 'connected' || !connection.callConnectionId) {
      throw automationProblems.notConnected();
    }
    return connection as ConnectionRecord & { callConnectionId: string };
  };

  const assertPstnAllowed = (caller: Caller) => {
    if (!caller.roles.includes(options.pstnRole)) throw automationProblems.pstnRoleRequired();
  };

  const outboundNumbers = async () =>
    (await gateway.listPhoneNumbers()).filter((number) => number.calling.includes('outbound'));

  const resolveCallerId = async (requested: string | undefined) => {
    const numbers = await outboundNumbers();
    if (requested !== undefined) {
      if (!numbers.some((number) => number.phoneNumber === requested))
        throw automationProblems.unknownCallerId();
      return requested;
    }
    const first = numbers[0];
    if (!first) throw automationProblems.noCallerId();
    return first.phoneNumber;
  };

  const identityOf = async (subjectId: string) => {
    const identity = await options.subjectIdentities.joiningIdentity(subjectId);
    if (!identity) throw automationProblems.noIdentity();
    return identity;
  };

  /** Records ACS's callConnectionId, or (a 4xx) that the connection never came to be. */
  const afterConnecting = async (
    connection: ConnectionRecord,
    request: () => Promise<{ callConnectionId: string }>,
    what: string,
  ) => {
    try {
      const { callConnectionId } = await request();
      if (!(await writes.bindCallConnection(connection, callConnectionId, now()))) {
        throw new Error('ACS named a call connection another connection holds.');
      }
    } catch (error) {
      const refusal = acsRefusal(error);
      if (!refusal) throw error;
      await endConnection(connection, refusal);
      throw automationProblems.rejectedByAcs(what);
    }
  };

  const endConnection = (connection: ConnectionRecord, endedBy: ResultInformation) =>
    writes.connection(connection.callId, (current) =>
      current.bindingId !== connection.bindingId || current.state === 'disconnected'
        ? undefined
        : { ...current, state: 'disconnected', endedBy, updatedAt: now().toISOString() },
    );

  const newOperation = (
    connection: ConnectionRecord,
    kind: OperationKind,
    caller: Caller,
    extra: Partial<OperationRecord> = {},
  ): OperationRecord => ({
    operationId: randomUUID(),
    callId: connection.callId,
    bindingId: connection.bindingId,
    kind,
    status: 'pending',
    requestedBy: caller.subjectId,
    createdAt: now().toISOString(),
    updatedAt: now().toISOString(),
    ...extra,
  });

  /** Sends an operation's request to ACS, and records that ACS took it, or refused it. */
  const send = async (operation: OperationRecord, request: () => Promise<unknown>, what: string) => {
    try {
      const answer = await request();
      const invitationId =
        typeof answer === 'object' && answer !== null && 'invitationId' in answer
          ? (answer as { invitationId?: string }).invitationId
          : undefined;
      return (
        (await writes.operation(operation.callId, operation.operationId, (current) =>
          current.acceptedAt
            ? undefined
            : { ...current, acceptedAt: now().toISOString(), ...(invitationId ? { invitationId } : {}) },
        )) ?? operation
      );
    } catch (error) {
      const refusal = acsRefusal(error);
      if (!refusal) throw error;
      await writes.operation(operation.callId, operation.operationId, (current) =>
        current.status === 'pending'
          ? { ...current, status: 'failed', resultInformation: refusal, updatedAt: now().toISOString() }
          : undefined,
      );
      throw automationProblems.rejectedByAcs(what);
    }
  };

  const operationView = (operation: OperationRecord, call: StoredCall, caller: Caller): OperationView => {
    const resultLive =
      operation.result !== undefined &&
      operation.resultExpiresAt !== undefined &&
      Date.parse(operation.resultExpiresAt) > now().getTime();
    return {
      operationId: operation.operationId,
      callId: operation.callId,
      kind: operation.kind,
      status: operation.status,
      ...(operation.participantId ? { participantId: operation.participantId } : {}),
      ...(operation.resultInformation ? { resultInformation: operation.resultInformation } : {}),
      ...(resultLive && call.organizer === caller.subjectId ? { result: operation.result! } : {}),
      createdAt: operation.createdAt,
      updatedAt: operation.updatedAt,
    };
  };

  const connectionView = async (
    connection: ConnectionRecord,
    call: StoredCall,
    caller: Caller,
  ): Promise<ConnectionView> => {
    const isOrganizer = call.organizer === caller.subjectId;
    const parties = new Map((await store.listParties(call.id)).map((party) => [party.rawId, party]));
    const members = new Set([call.organizer, ...call.invitees.map((invitee) => invitee.subjectId)]);
    const participants = await mapWithConcurrency(
      connection.participants,
      storageFanOut,
      async (presence) => {
        const kind = participantKind(presence.rawId);
        let subjectId = parties.get(presence.rawId)?.subjectId;
        if (!subjectId && kind === 'user') {
          subjectId = (await options.subjectsOf(presence.rawId)).find((subject) => members.has(subject));
        }
        const phoneNumber = phoneNumberOf(presence.rawId);
        const view: ParticipantView = {
          participantId: participantIdOf(call.id, presence.rawId),
          kind,
          ...(subjectId ? { subjectId } : {}),
          ...(phoneNumber ? { phoneNumber: isOrganizer ? phoneNumber : maskPhoneNumber(phoneNumber) } : {}),
          isMuted: presence.isMuted,
        };
        return view;
      },
    );
    return {
      callId: call.id,
      state: connection.state,
      ...(isOrganizer && connection.callConnectionId
        ? { callConnectionId: connection.callConnectionId }
        : {}),
      participants,
      ...(connection.endedBy ? { endedBy: connection.endedBy } : {}),
      createdAt: connection.createdAt,
      updatedAt: connection.updatedAt,
    };
  };

  const locatorOf = (call: StoredCall): CallLocator => {
    if (call.kind === 'room' && call.roomId) return { kind: 'room', roomId: call.roomId };
    if (call.kind === 'group' && call.groupCallId) return { kind: 'group', groupCallId: call.groupCallId };
    throw automationProblems.teamsNotSupported();
  };

  /** The call's live connection, or a new one in its place (written before ACS is asked for it). */
  const claimConnection = async (
    call: StoredCall,
  ): Promise<{ connection: ConnectionRecord; created: boolean }> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await store.readConnection(call.id);
      if (current && isLive(current.value.state)) return { connection: current.value, created: false };
      const fresh: ConnectionRecord = {
        callId: call.id,
        kind: 'call',
        bindingId: newBindingId(),
        state: 'connecting',
        pin: newPin(),
        organizer: call.organizer,
        participants: [],
        participantsSequence: -1,
        createdAt: now().toISOString(),
        updatedAt: now().toISOString(),
      };
      const written = current
        ? await store.replaceConnection(fresh, current.etag)
        : await store.createConnection(fresh);
      if (written !== undefined) return { connection: fresh, created: true };
    }
    throw automationProblems.participantBusy();
  };

  const partyOf = async (callId: string, participantId: string) =>
    (await store.readParty(callId, participantId))?.value;

  /**
   * The current add of a person, when it still stands: pending on this connection, or done and they have not
   * been seen leaving since it was made. (Lists arrive in any order: one without them may predate their
   * joining, so only "on a list, then off a newer one" counts as leaving.)
   */
  const standingAdd = async (connection: ConnectionRecord, party: PartyRecord | undefined) => {
    if (!party?.addOperationId) return undefined;
    const operation = (await store.readOperation(connection.callId, party.addOperationId))?.value;
    if (!operation || operation.bindingId !== connection.bindingId) return undefined;
    if (operation.status === 'pending') return operation;
    if (operation.status !== 'succeeded') return undefined;
    const leftAt = connection.departures?.[party.rawId];
    const leftSince = leftAt !== undefined && leftAt > (operation.sequenceAtStart ?? -1);
    return leftSince ? undefined : operation;
  };

  const sendAdd = (
    connection: ConnectionRecord & { callConnectionId: string },
    operation: OperationRecord,
    rawId: string,
    sourceCallerId: string | undefined,
  ) =>
    send(
      operation,
      () =>
        gateway.addParticipant(
          connection.callConnectionId,
          rawId,
          { sourceCallerId, operationContext: operation.operationId },
          operation.pin!,
        ),
      'add the participant',
    );

  const service: CallAutomationService = {
    async connect(caller, callId) {
      const call = organizedCall(await readCall(callId), caller.subjectId);
      assertScheduled(call);
      if (call.kind === 'outbound') {
        const existing = await connectionOf(callId);
        if (!existing) throw automationProblems.noConnection();
        return { connection: await connectionView(existing, call, caller), created: false };
      }
      const locator = locatorOf(call);
      const { connection, created } = await claimConnection(call);
      if (connection.callConnectionId === undefined && connection.state === 'connecting') {
        // New, or left part-way by an earlier try: the same pair either way.
        await afterConnecting(
          connection,
          () => gateway.connect(locator, urlFor(connection), connection.pin, `connect:${callId}`),
          'join the call',
        );
      }
      const latest = (await connectionOf(callId)) ?? connection;
      return { connection: await connectionView(latest, call, caller), created };
    },

    async get(caller, callId) {
      const call = visibleCall(await readCall(callId), caller.subjectId);
      const connection = await connectionOf(callId);
      if (!connection) throw automationProblems.noConnection();
      return connectionView(connection, call, caller);
    },

    async endCancelledCall(organizer, callId) {
      try {
        await service.hangUp({ subjectId: organizer, roles: [], isAdmin: false }, callId, true);
      } catch (error) {
        if (!(error instanceof ServiceError && error.code === 'CallNotConnected')) throw error;
      }
    },

    async hangUp(caller, callId, forEveryone) {
      organizedCall(await readCall(callId), caller.subjectId);
      const connection = await connectionOf(callId);
      if (!connection || !isLive(connection.state)) return;
      if (!connection.callConnectionId) throw automationProblems.notConnected();
      const operation = newOperation(connection, 'hangUp', caller, { pin: newPin() });
      await store.createOperation(operation);
      try {
        await send(
          operation,
          () => gateway.hangUp(connection.callConnectionId!, forEveryone, operation.pin!),
          'hang up',
        );
      } catch (error) {
        // A call ACS no longer has is hung up: the goal is reached.
        if (!(error instanceof ServiceError && error.code === 'RejectedByAcs')) throw error;
        await endConnection(connection, { message: 'The call had ended already.' });
        return;
      }
      await writes.connection(callId, (current) =>
        current.bindingId === connection.bindingId && isLive(current.state)
          ? { ...current, state: 'disconnecting', updatedAt: now().toISOString() }
          : undefined,
      );
    },

    async addParticipant(caller, callId, request) {
      const call = organizedCall(await readCall(callId), caller.subjectId);
      assertScheduled(call);
      let rawId: string;
      let subjectId: string | undefined;
      let sourceCallerId: string | undefined;
      if ('subjectId' in request) {
        if (!call.invitees.some((invitee) => invitee.subjectId === request.subjectId)) {
          throw automationProblems.notInvited();
        }
        subjectId = request.subjectId;
        rawId = await identityOf(request.subjectId);
      } else {
        assertPstnAllowed(caller);
        rawId = phoneRawId(request.phoneNumber);
      }
      const connection = await connectedConnection(callId);
      if (!('subjectId' in request)) sourceCallerId = await resolveCallerId(request.callerId);
      const participantId = participantIdOf(callId, rawId);

      const party = await store.readParty(callId, participantId);
      const standing = await standingAdd(connection, party?.value);
      if (standing) {
        // The same person again (or a client's retry): the one invitation, finished if it was left part-way.
        const resumed =
          standing.status === 'pending' && !standing.acceptedAt
            ? await sendAdd(connection, standing, rawId, sourceCallerId)
            : standing;
        return operationView(resumed, call, caller);
      }
      if (!subjectId) {
        await options.takePstnCall(caller);
        // A Room takes phones only once it allows dial-out: turned on the first time a phone is added.
        if (call.roomId) await options.rooms.enablePstnDialOut(call.roomId);
      }
      const operation = newOperation(connection, 'addParticipant', caller, {
        pin: newPin(),
        participantId,
        sequenceAtStart: connection.participantsSequence,
      });
      await store.createOperation(operation);
      const record: PartyRecord = {
        participantId,
        rawId,
        ...(subjectId ? { subjectId } : {}),
        addOperationId: operation.operationId,
      };
      const locked = party
        ? await store.replaceParty(callId, record, party.etag)
        : await store.createParty(callId, record);
      if (!locked) {
        await writes.operation(callId, operation.operationId, (current) => ({
          ...current,
          status: 'canceled',
          resultInformation: { message: 'Another request was adding this participant.' },
          updatedAt: now().toISOString(),
        }));
        throw automationProblems.participantBusy();
      }
      return operationView(await sendAdd(connection, operation, rawId, sourceCallerId), call, caller);
    },

    async removeParticipant(caller, callId, participantId) {
      const call = organizedCall(await readCall(callId), caller.subjectId);
      const party = await partyOf(callId, participantId);
      const connection = await connectionOf(callId);
      const present = connection?.participants.find(
        (presence) => participantIdOf(callId, presence.rawId) === participantId,
      );
      const rawId = party?.rawId ?? present?.rawId;
      if (!rawId) throw automationProblems.participantNotFound();
      const connected = await connectedConnection(callId);
      const operation = newOperation(connected, 'removeParticipant', caller, {
        pin: newPin(),
        participantId,
      });
      await store.createOperation(operation);
      const sent = await send(
        operation,
        () =>
          gateway.removeParticipant(connected.callConnectionId, rawId, operation.operationId, operation.pin!),
        'remove the participant',
      );
      return operationView(sent, call, caller);
    },

    async play(caller, callId, request) {
      const call = organizedCall(await readCall(callId), caller.subjectId);
      assertScheduled(call);
      const prompt = await options.prompts.find(request.promptId);
      if (!prompt) throw automationProblems.unknownPrompt('/promptId');
      const connection = await connectedConnection(callId);
      const playTo = request.participantId
        ? await participantRawId(connection, request.participantId)
        : undefined;
      const operation = newOperation(
        connection,
        'play',
        caller,
        request.participantId ? { participantId: request.participantId } : {},
      );
      await store.createOperation(operation);
      const sent = await send(
        operation,
        () =>
          gateway.play(connection.callConnectionId, prompt.url, {
            playTo,
            operationContext: operation.operationId,
          }),
        'play the prompt',
      );
      return operationView(sent, call, caller);
    },

    async recognize(caller, callId, request) {
      const call = organizedCall(await readCall(callId), caller.subjectId);
      assertScheduled(call);
      const prompt = request.promptId ? await options.prompts.find(request.promptId) : undefined;
      if (request.promptId && !prompt) throw automationProblems.unknownPrompt('/promptId');
      const connection = await connectedConnection(callId);
      const target = await participantRawId(connection, request.participantId);
      const initialSilenceTimeoutSeconds =
        request.initialSilenceTimeoutSeconds ?? defaultInitialSilenceSeconds;
      const recognition: RecognizeRequest['recognition'] = request.dtmf
        ? {
            kind: 'dtmf',
            maxTones: request.dtmf.maxTones,
            stopTones: (request.dtmf.stopTones ?? []).map(toneOf),
            initialSilenceTimeoutSeconds,
            interToneTimeoutSeconds: request.dtmf.interToneTimeoutSeconds ?? defaultInterToneSeconds,
          }
        : {
            kind: 'choices',
            choices: (request.choices ?? []).map((choice) => ({
              label: choice.label,
              phrases: choice.phrases,
              ...(choice.key ? { tone: toneOf(choice.key) } : {}),
            })),
            initialSilenceTimeoutSeconds,
          };
      const operation = newOperation(connection, 'recognize', caller, {
        participantId: request.participantId,
      });
      await store.createOperation(operation);
      const sent = await send(
        operation,
        () =>
          gateway.recognize(connection.callConnectionId, {
            target,
            recognition,
            promptUrl: prompt?.url,
            interruptPrompt: request.interruptPrompt ?? true,
            operationContext: operation.operationId,
          }),
        'start recognizing',
      );
      return operationView(sent, call, caller);
    },

    async cancelMedia(caller, callId) {
      organizedCall(await readCall(callId), caller.subjectId);
      const connection = await connectedConnection(callId);
      try {
        await gateway.cancelMedia(connection.callConnectionId);
      } catch (error) {
        if (!acsRefusal(error)) throw error;
        throw automationProblems.rejectedByAcs('cancel the media operations');
      }
    },

    async getOperation(caller, callId, operationId) {
      const call = visibleCall(await readCall(callId), caller.subjectId);
      const operation = (await store.readOperation(callId, operationId))?.value;
      if (!operation) throw automationProblems.operationNotFound();
      if (operation.resultExpiresAt && Date.parse(operation.resultExpiresAt) <= now().getTime()) {
        // Expired: erased now, whoever asks, rather than at the next sweep (resultSweep); the answer never
        // shows it either way, so a failure here only leaves it to the sweep.
        await store.eraseExpiredResult(callId, operationId, now()).catch(() => undefined);
      }
      // ACS sends nothing more for an operation once the call is over: one still pending then never ends.
      const ended =
        operation.status === 'pending' &&
        (await store.readConnection(callId))?.value.state === 'disconnected';
      return operationView(ended ? { ...operation, status: 'canceled' } : operation, call, caller);
    },

    async placeCall(caller, request) {
      const phones = request.targets.flatMap((target) =>
        'phoneNumber' in target ? [target.phoneNumber] : [],
      );
      const subjects = request.targets.flatMap((target) => ('subjectId' in target ? [target.subjectId] : []));
      if (subjects.includes(caller.subjectId)) {
        throw badRequest('The organizer cannot call themselves.', {
          code: 'ValidationFailed',
          errors: [{ path: '/targets', message: 'must not name the caller' }],
        });
      }
      if (phones.length > 0) assertPstnAllowed(caller);
      const sourceCallerId = phones.length > 0 ? await resolveCallerId(request.callerId) : undefined;
      const subjectRawIds = await mapWithConcurrency(subjects, storageFanOut, identityOf);
      const targets = [...subjectRawIds, ...phones.map(phoneRawId)];
      const callId = request.requestId
        ? derivedUuid('outbound', caller.subjectId, request.requestId)
        : randomUUID();

      let connection = await connectionOf(callId);
      if (!connection) {
        for (let i = 0; i < phones.length; i++) await options.takePstnCall(caller);
        const createdAt = now().toISOString();
        const record: StoredCall = {
          id: callId,
          kind: 'outbound',
          title: request.title ?? '',
          organizer: caller.subjectId,
          invitees: subjects.map((subjectId) => ({ subjectId })),
          status: 'scheduled',
          createdAt,
        };
        // A retry that lost the race to its twin finds the record written: the same call.
        await options.callWriter.create(record);
        const fresh: ConnectionRecord = {
          callId,
          kind: 'outbound',
          bindingId: newBindingId(),
          state: 'connecting',
          pin: newPin(),
          organizer: caller.subjectId,
          participants: [],
          participantsSequence: -1,
          targets,
          ...(sourceCallerId ? { sourceCallerId } : {}),
          createdAt,
          updatedAt: createdAt,
        };
        const parties: PartyRecord[] = targets.map((rawId, index) => ({
          participantId: participantIdOf(callId, rawId),
          rawId,
          ...(index < subjects.length ? { subjectId: subjects[index]! } : {}),
        }));
        await mapWithConcurrency(parties, storageFanOut, (party) => store.createParty(callId, party));
        connection = (await store.createConnection(fresh)) !== undefined ? fresh : await connectionOf(callId);
      }
      const call = await readCall(callId);
      if (!connection || !call || call.organizer !== caller.subjectId)
        throw automationProblems.participantBusy();
      const placing = connection;
      if (placing.callConnectionId === undefined && placing.state === 'connecting') {
        await afterConnecting(
          placing,
          () =>
            gateway.createCall(
              placing.targets ?? targets,
              urlFor(placing),
              { sourceCallerId: placing.sourceCallerId, operationContext: `call:${callId}` },
              placing.pin,
            ),
          'place the call',
        );
      }
      return publicCall(call);
    },
  };
  return service;

  async function participantRawId(connection: ConnectionRecord, participantId: string): Promise<string> {
    const present = connection.participants.find(
      (presence) => participantIdOf(connection.callId, presence.rawId) === participantId,
    );
    if (present) return present.rawId;
    const party = await partyOf(connection.callId, participantId);
    if (!party) throw automationProblems.unknownParticipant();
    return party.rawId;
  }
}
