import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AcsCallAutomationGateway } from '../acs/acsCallAutomationGateway';
import type { RepeatabilityPin } from '../acs/repeatability';
import { badRequest } from '../errors/serviceError';
import { systemClock, type Clock } from '../time/clock';
import type { AutomationStore } from './automationStore';
import { acsRefusal, type AutomationWrites } from './automationWrites';
import { identifierSchema, type CallbackEvent } from './callbackEvents';
import { callbackUrl } from './callbackUrl';
import type { ConnectionRecord, IncomingCallState } from './connectionRecord';
import { derivedUuid } from './derivedId';
import { keyOf } from './dtmfTone';
import type { IncomingCallMenus, MenuTarget } from './incomingCallMenus';
import type { OperationKind, OperationRecord } from './operationRecord';
import { phoneNumberOf, phoneRawId } from './participantIdentity';
import type { PromptCatalog } from './promptCatalog';

/** An Event Grid event (EventGridEvent schema), as Event Grid posts them: an array per request. */
const eventGridEventSchema = z
  .object({
    id: z.string().min(1).max(256),
    topic: z.string().max(1024).optional(),
    subject: z.string().max(2048),
    eventType: z.string().min(1).max(256),
    eventTime: z.string().max(64),
    data: z.unknown(),
    dataVersion: z.string().max(64),
    metadataVersion: z.string().max(16).optional(),
  })
  .loose();

export const eventGridEventsSchema = z.array(eventGridEventSchema).min(1).max(100);
export type EventGridEvent = z.output<typeof eventGridEventSchema>;

const validationEventType = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const incomingCallEventType = 'Microsoft.Communication.IncomingCall';

const validationDataSchema = z.object({ validationCode: z.string().min(1).max(512) }).loose();
const incomingCallDataSchema = z
  .object({
    to: identifierSchema,
    from: identifierSchema,
    incomingCallContext: z.string().min(1).max(32_768),
    serverCallId: z.string().max(2048).optional(),
    correlationId: z.string().max(256).optional(),
  })
  .loose();

/** Only the Communication Services resource's own events (its system topic) are taken. */
const communicationTopic = /\/providers\/microsoft\.communication\/communicationservices\/[^/]+$/i;
const systemTopic = /\/providers\/microsoft\.eventgrid\/systemtopics\/[^/]+$/i;

export type IncomingCallsAnswer = { validationResponse: string } | { answered: number; ignored: number };

export interface IncomingCalls {
  /**
   * What Event Grid posted to `POST /api/callautomation/incoming-calls`, its Entra token (with the
   * incoming-call role) already verified. `deliveryKind` is the `aeg-event-type` header.
   */
  receive(deliveryKind: string | null, events: readonly EventGridEvent[]): Promise<IncomingCallsAnswer>;
  /** The menu's next step, after a callback of an incoming call is merged (see CallbackReceiver). */
  react(connection: ConnectionRecord, event: CallbackEvent): Promise<void>;
}

export interface IncomingCallsOptions {
  store: AutomationStore;
  writes: AutomationWrites;
  gateway: AcsCallAutomationGateway;
  menus: Pick<IncomingCallMenus, 'find'>;
  prompts: Pick<PromptCatalog, 'find'>;
  callbackBaseUrl: string;
  clock?: Clock;
}

/*
 * Incoming calls, end to end:
 *   1. Event Grid posts `Microsoft.Communication.IncomingCall` (at least once, in no order). The delivery is
 *      authenticated like a user request (an Entra token, our OIDC verifier) and must carry the
 *      incoming-call role. The subscription handshake (`aeg-event-type: SubscriptionValidation`, one
 *      SubscriptionValidationEvent from the resource's topic) is answered only under the same check: the
 *      handshake proves nothing by itself.
 *   2. A call to a number with a menu is answered. Its connection's id is a digest of the Event Grid event id,
 *      and the answer's repeatability pair is stored with the connection before ACS is called: a redelivery
 *      (or a retry after a crash) finds the row and answers with the same pair, which ACS replays, so one
 *      call is answered once. A call to a number without a menu is left alone (another app on the resource
 *      may take it).
 *   3. CallConnected: recognize one key, with the greeting as its prompt (attempt 1).
 *   4. RecognizeCompleted: the key's choice, if any, transfers the caller to its target; no such choice, or
 *      RecognizeFailed (silence), starts the next attempt; after the last, the service hangs up.
 * Each step is an operation whose id is a digest of the connection and the step, created before ACS is
 * called: two instances (or a redelivered callback) reacting to one event create it once, and only the one
 * that created it, or a retry finding it not yet accepted by ACS, calls ACS.
 */
export function createIncomingCalls(options: IncomingCallsOptions): IncomingCalls {
  const { store, writes, gateway } = options;
  const clock = options.clock ?? systemClock;

  const answer = async (event: EventGridEvent): Promise<boolean> => {
    const data = incomingCallDataSchema.safeParse(event.data);
    if (!data.success) {
      throw badRequest('An IncomingCall event lacks what it must carry.', { code: 'InvalidIncomingCall' });
    }
    const to = phoneNumberOf(data.data.to);
    const menu = to ? await options.menus.find(to) : undefined;
    if (!to || !menu) return false;
    const callId = derivedUuid('incoming', event.id);
    const now = clock();
    const greeting = menu.greetingPromptId ? await options.prompts.find(menu.greetingPromptId) : undefined;
    const incoming: IncomingCallState = {
      to,
      from: data.data.from,
      incomingCallContext: data.data.incomingCallContext,
      ...(greeting ? { greetingUrl: greeting.url } : {}),
      choices: menu.choices.map((choice) => ({ key: choice.key, target: targetRawId(choice.target) })),
      initialSilenceTimeoutSeconds: menu.initialSilenceTimeoutSeconds,
      maxAttempts: menu.maxAttempts,
    };
    const fresh: ConnectionRecord = {
      callId,
      kind: 'incoming',
      bindingId: randomBytes(16).toString('base64url'),
      state: 'connecting',
      pin: { requestId: randomUUID(), firstSent: now },
      participants: [],
      participantsSequence: -1,
      incoming,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const created = (await store.createConnection(fresh)) !== undefined;
    const connection = created ? fresh : (await store.readConnection(callId))?.value;
    if (!connection || connection.callConnectionId !== undefined || connection.state !== 'connecting')
      return true;
    try {
      const { callConnectionId } = await gateway.answer(
        incoming.incomingCallContext,
        callbackUrl(options.callbackBaseUrl, callId, connection.bindingId),
        connection.pin,
        `answer:${callId}`,
      );
      if (!(await writes.bindCallConnection(connection, callConnectionId, clock()))) {
        throw new Error('ACS named a call connection another connection holds.');
      }
    } catch (error) {
      const refusal = acsRefusal(error);
      if (!refusal) throw error;
      // The call is gone (hung up while ringing, answered elsewhere): nothing to retry.
      await writes.connection(callId, (current) =>
        current.state === 'disconnected'
          ? undefined
          : { ...current, state: 'disconnected', endedBy: refusal, updatedAt: clock().toISOString() },
      );
    }
    return true;
  };

  /** Creates a menu step once; returns it when this caller should (still) ask ACS for it. */
  const step = async (
    connection: ConnectionRecord,
    kind: OperationKind,
    name: string,
    pinned: boolean,
  ): Promise<OperationRecord | undefined> => {
    const now = clock();
    const operation: OperationRecord = {
      operationId: derivedUuid(connection.callId, connection.bindingId, name),
      callId: connection.callId,
      bindingId: connection.bindingId,
      kind,
      status: 'pending',
      requestedBy: 'menu',
      ...(pinned ? { pin: { requestId: randomUUID(), firstSent: now } } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (await store.createOperation(operation)) return operation;
    const existing = (await store.readOperation(connection.callId, operation.operationId))?.value;
    return existing && existing.status === 'pending' && !existing.acceptedAt ? existing : undefined;
  };

  const accepted = (operation: OperationRecord) =>
    writes.operation(operation.callId, operation.operationId, (current) =>
      current.acceptedAt ? undefined : { ...current, acceptedAt: clock().toISOString() },
    );

  const failed = (operation: OperationRecord, refusal: NonNullable<ReturnType<typeof acsRefusal>>) =>
    writes.operation(operation.callId, operation.operationId, (current) =>
      current.status === 'pending'
        ? { ...current, status: 'failed', resultInformation: refusal, updatedAt: clock().toISOString() }
        : undefined,
    );

  /** Runs a step's ACS call; a refusal fails the step, and `onRefusal` decides what follows. */
  const run = async (
    operation: OperationRecord,
    send: () => Promise<unknown>,
    onRefusal?: () => Promise<void>,
  ) => {
    try {
      await send();
      await accepted(operation);
    } catch (error) {
      const refusal = acsRefusal(error);
      if (!refusal) throw error;
      await failed(operation, refusal);
      await onRefusal?.();
    }
  };

  const recognizeStepName = (attempt: number) => `recognize:${attempt}`;

  const hangUp = async (connection: ConnectionRecord, callConnectionId: string) => {
    const operation = await step(connection, 'hangUp', 'hangUp', true);
    if (operation?.pin) {
      const pin: RepeatabilityPin = operation.pin;
      await run(operation, () => gateway.hangUp(callConnectionId, true, pin));
    }
  };

  const listen = async (connection: ConnectionRecord, callConnectionId: string, attempt: number) => {
    const menu = connection.incoming!;
    if (attempt > menu.maxAttempts) return hangUp(connection, callConnectionId);
    const operation = await step(connection, 'recognize', recognizeStepName(attempt), false);
    if (!operation) return;
    await run(
      operation,
      () =>
        gateway.recognize(callConnectionId, {
          target: menu.from,
          recognition: {
            kind: 'dtmf',
            maxTones: 1,
            stopTones: [],
            initialSilenceTimeoutSeconds: menu.initialSilenceTimeoutSeconds,
            interToneTimeoutSeconds: 5,
          },
          promptUrl: menu.greetingUrl,
          interruptPrompt: true,
          operationContext: operation.operationId,
        }),
      () => hangUp(connection, callConnectionId),
    );
  };

  const transfer = async (connection: ConnectionRecord, callConnectionId: string, target: string) => {
    const operation = await step(connection, 'transfer', 'transfer', true);
    if (!operation?.pin) return;
    const pin = operation.pin;
    await run(
      operation,
      () =>
        gateway.transfer(
          callConnectionId,
          target,
          {
            // A phone is shown the number the caller dialled.
            sourceCallerId: target.startsWith('4:') ? connection.incoming!.to : undefined,
            operationContext: operation.operationId,
          },
          pin,
        ),
      () => hangUp(connection, callConnectionId),
    );
  };

  /** Which attempt a recognize operation of this connection was, if it is one of the menu's. */
  const attemptOf = (connection: ConnectionRecord, operationId: string | undefined) => {
    for (let attempt = 1; attempt <= (connection.incoming?.maxAttempts ?? 0); attempt++) {
      if (derivedUuid(connection.callId, connection.bindingId, recognizeStepName(attempt)) === operationId) {
        return attempt;
      }
    }
    return undefined;
  };

  return {
    async receive(deliveryKind, events) {
      const validation = events.find((event) => event.eventType === validationEventType);
      if (deliveryKind === 'SubscriptionValidation' || validation) {
        const data = validation ? validationDataSchema.safeParse(validation.data) : undefined;
        const topic = validation?.topic ?? '';
        if (
          deliveryKind !== 'SubscriptionValidation' ||
          events.length !== 1 ||
          !data?.success ||
          !(communicationTopic.test(topic) || systemTopic.test(topic))
        ) {
          throw badRequest(
            'A subscription validation is one SubscriptionValidationEvent of the resource’s topic, delivered as such.',
            { code: 'InvalidSubscriptionValidation' },
          );
        }
        return { validationResponse: data.data.validationCode };
      }
      if (deliveryKind !== 'Notification') {
        throw badRequest('Event Grid deliveries carry aeg-event-type: Notification.', {
          code: 'InvalidEventGridDelivery',
        });
      }
      let answered = 0;
      let ignored = 0;
      for (const event of events) {
        const ours = event.eventType === incomingCallEventType && communicationTopic.test(event.topic ?? '');
        if (ours && (await answer(event))) answered++;
        else ignored++;
      }
      return { answered, ignored };
    },

    async react(connection, event) {
      const callConnectionId = connection.callConnectionId;
      if (connection.kind !== 'incoming' || !connection.incoming || !callConnectionId) return;
      if (connection.state === 'disconnected') return;
      if (event.name === 'CallConnected') return listen(connection, callConnectionId, 1);
      if (event.name !== 'RecognizeCompleted' && event.name !== 'RecognizeFailed') return;
      const attempt = attemptOf(connection, event.data.operationContext);
      if (attempt === undefined) return;
      if (event.name === 'RecognizeCompleted') {
        const key = keyOf(event.data.dtmfResult?.tones[0] ?? '');
        const choice = connection.incoming.choices.find((candidate) => candidate.key === key);
        if (choice) return transfer(connection, callConnectionId, choice.target);
      }
      return listen(connection, callConnectionId, attempt + 1);
    },
  };
}

function targetRawId(target: MenuTarget): string {
  return 'phoneNumber' in target ? phoneRawId(target.phoneNumber) : target.communicationUserId;
}
