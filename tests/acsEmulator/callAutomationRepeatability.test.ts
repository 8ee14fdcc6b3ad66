import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { CallAutomationClient } from '@azure/communication-call-automation';
import type { CommunicationUserIdentifier } from '@azure/communication-common';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient, identityClient } from './acsTestClients';
import { shortType, startCallbackReceiver, type CallbackReceiver } from './callbackReceiver';
import { signedFetch } from './signedFetch';

let emulator: AcsEmulator;
let receiver: CallbackReceiver;
let alice: CommunicationUserIdentifier;

/**
 * The SDK draws a fresh Repeatability-Request-ID for every call and overwrites one passed in; a
 * per-retry policy that sets both headers from the logical operation's pinned values is the way
 * around it (see the platform notes).
 */
const pinned = new AsyncLocalStorage<{ requestId: string; firstSent: string }>();
const pinRepeatability: PipelinePolicy = {
  name: 'pinRepeatability',
  sendRequest(request, next) {
    const values = pinned.getStore();
    if (values && request.headers.has('Repeatability-Request-ID')) {
      request.headers.set('Repeatability-Request-ID', values.requestId);
      request.headers.set('Repeatability-First-Sent', values.firstSent);
    }
    return next(request);
  },
};
let client: CallAutomationClient;
const asOneOperation = <T>(requestId: string, work: () => Promise<T>) =>
  pinned.run({ requestId, firstSent: new Date().toUTCString() }, work);

beforeAll(async () => {
  emulator = await startAcsEmulator({ timeScale: 0.01 });
  client = new CallAutomationClient(emulator.connectionString(), {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: pinRepeatability, position: 'perRetry' }],
  });
  receiver = await startCallbackReceiver(emulator);
  alice = await identityClient(emulator.connectionString()).createUser();
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

const connectionsCalling = (uri: string) =>
  emulator
    .calls()
    .calls.flatMap((call) => call.connections)
    .filter((connection) => connection.callbackUri === uri);
const phone = (n: number) => ({ phoneNumber: `+1425555${String(300 + n).padStart(4, '0')}` });
const callerId = { phoneNumber: '+14255550100' };

describe('Repeatability-Request-ID', () => {
  it('replays an accepted createCall that the caller never heard of (503 after applying): one call', async () => {
    const uri = receiver.callbackUri();
    const requestId = randomUUID();
    const before = emulator.repeatabilityReplays();
    emulator.injectFaults({ count: 1, status: 503, after: true, operation: 'createCall' });
    const place = () =>
      asOneOperation(requestId, () =>
        client.createCall({ targetParticipant: phone(1), sourceCallIdNumber: callerId }, uri),
      );
    await expect(place()).rejects.toMatchObject({ statusCode: 503 });
    expect(connectionsCalling(uri)).toHaveLength(1);

    const retried = await place();
    const [only] = connectionsCalling(uri);
    expect(connectionsCalling(uri)).toHaveLength(1);
    expect(only).toMatchObject({
      callConnectionId: retried.callConnectionProperties.callConnectionId,
      repeatabilityRequestId: requestId,
    });
    expect(emulator.repeatabilityReplays()).toBe(before + 1);
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'ParticipantsUpdated');
    await emulator.callbacksSettled();
    expect(receiver.eventsAt(uri).filter((event) => shortType(event) === 'CallConnected')).toHaveLength(1);
  });

  it('replays an accepted addParticipant: one invitation, the same invitation id', async () => {
    const uri = receiver.callbackUri();
    const { callConnection } = await client.connectCall({ kind: 'groupCallLocator', id: randomUUID() }, uri);
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'CallConnected');
    const requestId = randomUUID();
    emulator.injectFaults({ count: 1, status: 503, after: true, operation: 'addParticipant' });
    const invite = () =>
      asOneOperation(requestId, () =>
        callConnection.addParticipant({ targetParticipant: phone(2), sourceCallIdNumber: callerId }),
      );
    await expect(invite()).rejects.toMatchObject({ statusCode: 503 });
    const retried = await invite();
    const invitations = connectionsCalling(uri).flatMap((connection) => connection.invitations);
    expect(invitations).toEqual([
      expect.objectContaining({ invitationId: retried.invitationId, repeatabilityRequestId: requestId }),
    ]);
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'AddParticipantSucceeded');
    await emulator.callbacksSettled();
    expect(
      receiver.eventsAt(uri).filter((event) => shortType(event) === 'AddParticipantSucceeded'),
    ).toHaveLength(1);
  });

  it('places a second call when a retry carries the fresh id the SDK draws (the trap pinning avoids)', async () => {
    const unpinned = callAutomationClient(emulator.connectionString());
    const uri = receiver.callbackUri();
    emulator.injectFaults({ count: 1, status: 503, after: true, operation: 'createCall' });
    const place = () =>
      unpinned.createCall({ targetParticipant: phone(3), sourceCallIdNumber: callerId }, uri);
    await expect(place()).rejects.toMatchObject({ statusCode: 503 });
    await place();
    expect(connectionsCalling(uri)).toHaveLength(2);
  });

  it('answers concurrent duplicates once, and replays a refusal as it was', async () => {
    const uri = receiver.callbackUri();
    const requestId = randomUUID();
    const [first, second] = await Promise.all([
      asOneOperation(requestId, () => client.createCall({ targetParticipant: alice }, uri)),
      asOneOperation(requestId, () => client.createCall({ targetParticipant: alice }, uri)),
    ]);
    expect(second.callConnectionProperties.callConnectionId).toBe(
      first.callConnectionProperties.callConnectionId,
    );
    expect(connectionsCalling(uri)).toHaveLength(1);

    const refused = randomUUID();
    const stranger = { phoneNumber: '+14255559999' };
    const attempt = (source: { phoneNumber: string }) =>
      asOneOperation(refused, () =>
        client.createCall(
          { targetParticipant: phone(4), sourceCallIdNumber: source },
          receiver.callbackUri(),
        ),
      );
    await expect(attempt(stranger)).rejects.toMatchObject({ statusCode: 403 });
    await expect(attempt(callerId)).rejects.toMatchObject({ statusCode: 403 });
  });

  it('refuses a Repeatability-Request-ID that is not a GUID, or a First-Sent that is not a date', async () => {
    const accessKey = /accesskey=(.+)$/.exec(emulator.connectionString())?.[1] ?? '';
    const body = JSON.stringify({
      targets: [{ communicationUser: { id: alice.communicationUserId } }],
      callbackUri: receiver.callbackUri(),
    });
    const send = (headers: Record<string, string>) =>
      signedFetch(new URL('calling/callConnections?api-version=2026-03-12', emulator.url).toString(), {
        method: 'POST',
        body,
        accessKey,
        headers,
      });
    const notGuid = await send({ 'repeatability-request-id': 'retry-1' });
    expect(notGuid.status).toBe(400);
    expect(await notGuid.json()).toMatchObject({ error: { code: '8523' } });
    const badDate = await send({
      'repeatability-request-id': randomUUID(),
      'repeatability-first-sent': 'yesterday',
    });
    expect(badDate.status).toBe(400);
  });
});

describe('faults on Call Automation operations', () => {
  it('applies 429 with Retry-After to a media operation without doing it, and delays without failing', async () => {
    const uri = receiver.callbackUri();
    const { callConnection } = await client.createCall({ targetParticipant: alice }, uri);
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'ParticipantsUpdated');
    const media = callConnection.getCallMedia();
    const prompt = { kind: 'fileSource' as const, url: 'https://prompts.example/a.wav' };
    const plays = emulator.requestCount('play');
    emulator.injectFaults({ count: 1, status: 429, retryAfterSeconds: 4, operation: 'play' });
    const error = await media.playToAll([prompt]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ statusCode: 429 });
    expect(
      (error as { response?: { headers: { get(name: string): string | undefined } } }).response?.headers.get(
        'retry-after',
      ),
    ).toBe('4');
    expect(emulator.requestCount('play')).toBe(plays + 1);
    await emulator.callbacksSettled();
    expect(receiver.eventsAt(uri).filter((event) => shortType(event).startsWith('Play'))).toEqual([]);

    emulator.injectFaults({ count: 1, delayMs: 50, operation: 'play' });
    await media.playToAll([prompt]);
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'PlayCompleted');
    expect(() => emulator.injectFaults({ count: 1, status: 503, operation: 'playToAll' })).toThrow();
  });
});
