import {
  parseCallAutomationEvent,
  type CallAutomationClient,
  type CallConnection,
} from '@azure/communication-call-automation';
import type { CommunicationUserIdentifier } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient, identityClient, roomsClient } from './acsTestClients';
import { shortType, startCallbackReceiver, waitFor, type CallbackReceiver } from './callbackReceiver';

let emulator: AcsEmulator;
let client: CallAutomationClient;
let receiver: CallbackReceiver;
let alice: CommunicationUserIdentifier;
let bob: CommunicationUserIdentifier;

const ownedNumber = '+14255550100';
const phone = { phoneNumber: '+14255550123' };

beforeAll(async () => {
  emulator = await startAcsEmulator({
    timeScale: 0.01,
    callAutomation: { durations: { ringTimeoutMs: 20_000 } },
  });
  client = callAutomationClient(emulator.connectionString());
  receiver = await startCallbackReceiver(emulator);
  const identities = identityClient(emulator.connectionString());
  [alice, bob] = await Promise.all([identities.createUser(), identities.createUser()]);
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

const rosterOf = async (connection: CallConnection) =>
  ((await connection.listParticipants()).values ?? []).map((participant) => participant.identifier);
const types = (uri: string) => receiver.eventsAt(uri).map(shortType);
const until = (uri: string, type: string) => receiver.waitForEvent(uri, (event) => shortType(event) === type);

describe('createCall and createGroupCall', () => {
  it('calls an ACS user: connecting at once, then signed CallConnected and ParticipantsUpdated', async () => {
    const uri = receiver.callbackUri();
    const { callConnectionProperties, callConnection } = await client.createCall(
      { targetParticipant: alice },
      uri,
      {
        operationContext: 'first call',
      },
    );
    expect(callConnectionProperties).toMatchObject({
      callConnectionState: 'connecting',
      targetParticipants: [alice],
    });
    // The SDK types it callbackUrl but passes the wire's callbackUri through.
    expect((callConnectionProperties as { callbackUri?: string }).callbackUri).toBe(uri);

    const connected = await until(uri, 'CallConnected');
    const updated = await until(uri, 'ParticipantsUpdated');
    expect(types(uri)).toEqual(['CallConnected', 'ParticipantsUpdated']);
    expect(connected).toMatchObject({
      specversion: '1.0',
      datacontenttype: 'application/json',
      source: `calling/callConnections/${callConnectionProperties.callConnectionId}`,
      subject: `calling/callConnections/${callConnectionProperties.callConnectionId}`,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      data: {
        callConnectionId: callConnectionProperties.callConnectionId,
        serverCallId: callConnectionProperties.serverCallId,
        correlationId: callConnectionProperties.correlationId,
        operationContext: 'first call',
        resultInformation: { code: 200, subCode: 0 },
      },
    });
    expect(Number.isNaN(Date.parse(connected.time))).toBe(false);
    expect(updated.data).toMatchObject({
      sequenceNumber: expect.any(Number),
      participants: [
        {
          identifier: {
            kind: 'communicationUser',
            rawId: alice.communicationUserId,
            communicationUser: { id: alice.communicationUserId },
          },
          isMuted: false,
        },
      ],
    });
    for (const callback of receiver.received.filter((each) => each.path.endsWith(new URL(uri).pathname))) {
      expect(callback.verdict).toMatchObject({ ok: true });
    }

    // The SDK's own parser reads what the emulator posts.
    expect(parseCallAutomationEvent(JSON.stringify([connected]))).toMatchObject({
      kind: 'CallConnected',
      callConnectionId: callConnectionProperties.callConnectionId,
    });
    const parsedUpdate = parseCallAutomationEvent(JSON.stringify([updated]));
    expect(parsedUpdate).toMatchObject({
      kind: 'ParticipantsUpdated',
      participants: [{ identifier: alice }],
    });

    expect(await callConnection.getCallConnectionProperties()).toMatchObject({
      callConnectionState: 'connected',
    });
    const { values } = await callConnection.listParticipants();
    expect(values).toEqual([{ identifier: alice, isMuted: false, isOnHold: false }]);
    expect(await callConnection.getParticipant(alice)).toMatchObject({ identifier: alice });
    await expect(callConnection.getParticipant(bob)).rejects.toMatchObject({ statusCode: 404, code: '8522' });
  });

  it('calls a phone only with a caller id the resource owns: 400 without, 403 for a stranger', async () => {
    const uri = receiver.callbackUri();
    await expect(client.createCall({ targetParticipant: phone }, uri)).rejects.toMatchObject({
      statusCode: 400,
      code: '8523',
    });
    await expect(
      client.createCall(
        { targetParticipant: phone, sourceCallIdNumber: { phoneNumber: '+14255559999' } },
        uri,
      ),
    ).rejects.toMatchObject({ statusCode: 403 });
    expect(types(uri)).toEqual([]);

    const { callConnectionProperties } = await client.createCall(
      { targetParticipant: phone, sourceCallIdNumber: { phoneNumber: ownedNumber } },
      uri,
    );
    expect(callConnectionProperties).toMatchObject({
      sourceCallerIdNumber: { phoneNumber: ownedNumber },
      targetParticipants: [{ phoneNumber: phone.phoneNumber, rawId: `4:${phone.phoneNumber}` }],
    });
    const updated = await until(uri, 'ParticipantsUpdated');
    expect(updated.data['participants']).toEqual([
      {
        identifier: {
          kind: 'phoneNumber',
          rawId: `4:${phone.phoneNumber}`,
          phoneNumber: { value: phone.phoneNumber },
        },
        isMuted: false,
        isOnHold: false,
      },
    ]);
  });

  it('connects a group call on the first answer and lets the others join later or not at all', async () => {
    const carol = { phoneNumber: '+14255550131' };
    emulator.setParty({ target: bob.communicationUserId, behaviour: 'answer', answerDelayMs: 2000 });
    emulator.setParty({ target: carol.phoneNumber, behaviour: 'busy' });
    const uri = receiver.callbackUri();
    const { callConnection } = await client.createGroupCall([alice, bob, carol], uri, {
      sourceCallIdNumber: { phoneNumber: ownedNumber },
    });
    await waitFor(
      () => receiver.eventsAt(uri).filter((event) => shortType(event) === 'ParticipantsUpdated')[1],
    );
    const updates = receiver.eventsAt(uri).filter((event) => shortType(event) === 'ParticipantsUpdated');
    expect(types(uri)[0]).toBe('CallConnected');
    expect(updates.map((event) => (event.data['participants'] as unknown[]).length)).toEqual([1, 2]);
    const [first, second] = updates.map((event) => event.data['sequenceNumber'] as number);
    expect(second).toBeGreaterThan(first ?? Infinity);
    expect(await rosterOf(callConnection)).toEqual([alice, bob]);
  });

  it('fails a call nobody answers: CreateCallFailed then CallDisconnected with the far end reason', async () => {
    emulator.setParty({ target: '+14255550141', behaviour: 'reject', answerDelayMs: 100 });
    emulator.setParty({ target: '+14255550142', behaviour: 'noAnswer' });
    const declined = receiver.callbackUri();
    const unanswered = receiver.callbackUri();
    const source = { sourceCallIdNumber: { phoneNumber: ownedNumber } };
    const rejected = await client.createCall(
      { targetParticipant: { phoneNumber: '+14255550141' }, ...source },
      declined,
    );
    const ringing = await client.createCall(
      { targetParticipant: { phoneNumber: '+14255550142' }, ...source },
      unanswered,
    );

    await until(declined, 'CallDisconnected');
    expect(types(declined)).toEqual(['CreateCallFailed', 'CallDisconnected']);
    expect(receiver.eventsAt(declined)[0]?.data['resultInformation']).toMatchObject({ code: 603 });
    await expect(rejected.callConnection.getCallConnectionProperties()).rejects.toMatchObject({
      statusCode: 404,
    });

    expect(await ringing.callConnection.getCallConnectionProperties()).toMatchObject({
      callConnectionState: 'connecting',
    });
    await until(unanswered, 'CallDisconnected');
    expect(receiver.eventsAt(unanswered)[0]?.data['resultInformation']).toMatchObject({
      code: 487,
      subCode: 10004,
    });
  });

  it('refuses a callback URI that is not https (loopback http aside) and targets it cannot ring', async () => {
    await expect(
      client.createCall({ targetParticipant: alice }, 'http://example.com/cb'),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      client.createCall(
        { targetParticipant: { microsoftTeamsUserId: '00000000-0000-0000-0000-000000000001' } },
        receiver.callbackUri(),
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      client.createCall({ targetParticipant: { phoneNumber: '12345' } }, receiver.callbackUri()),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('connectCall', () => {
  it('joins a Room that exists and is open; its roster decides who else can join', async () => {
    const rooms = roomsClient(emulator.connectionString());
    await expect(
      client.connectCall({ kind: 'roomCallLocator', id: '99000000000000000001' }, receiver.callbackUri()),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    const later = await rooms.createRoom({
      validFrom: new Date(Date.now() + 60 * 60 * 1000),
      validUntil: new Date(Date.now() + 2 * 60 * 60 * 1000),
    });
    await expect(
      client.connectCall({ kind: 'roomCallLocator', id: later.id }, receiver.callbackUri()),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: '5829',
    });

    const room = await rooms.createRoom({ participants: [{ id: alice, role: 'Attendee' }] });
    const uri = receiver.callbackUri();
    const { callConnectionProperties, callConnection } = await client.connectCall(
      { kind: 'roomCallLocator', id: room.id },
      uri,
    );
    expect(callConnectionProperties.callConnectionState).toBe('connecting');
    const first = await until(uri, 'ParticipantsUpdated');
    expect(first.data['participants']).toEqual([]);

    const id = callConnectionProperties.callConnectionId!;
    expect(() => emulator.joinCall(id, bob.communicationUserId)).toThrow(/roster/);
    expect(() => emulator.joinCall(id, '+14255550150')).toThrow();
    emulator.joinCall(id, alice.communicationUserId);
    const joined = await receiver.waitForEvent(
      uri,
      (event) =>
        shortType(event) === 'ParticipantsUpdated' && (event.data['participants'] as unknown[]).length === 1,
    );
    expect(joined.data['sequenceNumber']).toBeGreaterThan(first.data['sequenceNumber'] as number);
    expect(await rosterOf(callConnection)).toEqual([alice]);
  });

  it('joins the same group call from two connections, and finds a call by its server call id', async () => {
    await expect(
      client.connectCall({ kind: 'groupCallLocator', id: 'not-a-guid' }, receiver.callbackUri()),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    const groupCallId = '4f1c2d3e-0000-4000-8000-00000000abcd';
    const one = await client.connectCall(
      { kind: 'groupCallLocator', id: groupCallId },
      receiver.callbackUri(),
    );
    const two = await client.connectCall(
      { kind: 'groupCallLocator', id: groupCallId },
      receiver.callbackUri(),
    );
    expect(two.callConnectionProperties.serverCallId).toBe(one.callConnectionProperties.serverCallId);

    const byServerCall = await client.connectCall(
      { kind: 'serverCallLocator', id: one.callConnectionProperties.serverCallId! },
      receiver.callbackUri(),
    );
    expect(byServerCall.callConnectionProperties.serverCallId).toBe(
      one.callConnectionProperties.serverCallId,
    );
    await expect(
      client.connectCall({ kind: 'serverCallLocator', id: 'bm90IGEgY2FsbA==' }, receiver.callbackUri()),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('hangUp and terminate', () => {
  it('hangs up one leg of a group call, and terminating ends it for every leg', async () => {
    const groupCallId = '4f1c2d3e-0000-4000-8000-00000000beef';
    const [uriA, uriB, uriC] = [receiver.callbackUri(), receiver.callbackUri(), receiver.callbackUri()];
    const a = await client.connectCall({ kind: 'groupCallLocator', id: groupCallId }, uriA);
    const b = await client.connectCall({ kind: 'groupCallLocator', id: groupCallId }, uriB);
    const c = await client.connectCall({ kind: 'groupCallLocator', id: groupCallId }, uriC);
    await Promise.all([
      until(uriA, 'CallConnected'),
      until(uriB, 'CallConnected'),
      until(uriC, 'CallConnected'),
    ]);

    await a.callConnection.hangUp(false);
    const left = await until(uriA, 'CallDisconnected');
    expect(left.data['resultInformation']).toMatchObject({ code: 200, subCode: 7000 });
    await expect(a.callConnection.getCallConnectionProperties()).rejects.toMatchObject({ statusCode: 404 });
    expect(await b.callConnection.getCallConnectionProperties()).toMatchObject({
      callConnectionState: 'connected',
    });

    await b.callConnection.hangUp(true);
    await Promise.all([until(uriB, 'CallDisconnected'), until(uriC, 'CallDisconnected')]);
    await expect(c.callConnection.getCallConnectionProperties()).rejects.toMatchObject({ statusCode: 404 });
    const view = emulator
      .calls()
      .calls.find((call) => call.serverCallId === a.callConnectionProperties.serverCallId);
    expect(view).toMatchObject({ state: 'ended', participants: [] });
    expect(view?.connections.map((connection) => connection.state)).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
    ]);
  });

  it('ends a 1:1 call when the far end hangs up, and answers 404 with an ACS error body for unknown calls', async () => {
    const uri = receiver.callbackUri();
    const { callConnectionProperties, callConnection } = await client.createCall(
      { targetParticipant: alice },
      uri,
    );
    await until(uri, 'ParticipantsUpdated');
    emulator.hangUpParty(callConnectionProperties.callConnectionId!, alice.communicationUserId);
    await until(uri, 'CallDisconnected');
    expect(types(uri)).toEqual([
      'CallConnected',
      'ParticipantsUpdated',
      'ParticipantsUpdated',
      'CallDisconnected',
    ]);
    await expect(callConnection.hangUp(false)).rejects.toMatchObject({ statusCode: 404, code: '8522' });
    await expect(client.getCallConnection('no-such-call').listParticipants()).rejects.toMatchObject({
      statusCode: 404,
      code: '8522',
    });
  });
});
