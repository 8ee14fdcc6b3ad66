import type { CallAutomationClient, CallConnection } from '@azure/communication-call-automation';
import type { CommunicationUserIdentifier } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient, identityClient, roomsClient } from './acsTestClients';
import { shortType, startCallbackReceiver, type CallbackReceiver } from './callbackReceiver';

let emulator: AcsEmulator;
let client: CallAutomationClient;
let receiver: CallbackReceiver;
let alice: CommunicationUserIdentifier;
let bob: CommunicationUserIdentifier;

const callerId = { phoneNumber: '+14255550100' };

beforeAll(async () => {
  emulator = await startAcsEmulator({ timeScale: 0.01 });
  client = callAutomationClient(emulator.connectionString());
  receiver = await startCallbackReceiver(emulator);
  const identities = identityClient(emulator.connectionString());
  [alice, bob] = await Promise.all([identities.createUser(), identities.createUser()]);
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

const until = (uri: string, type: string) => receiver.waitForEvent(uri, (event) => shortType(event) === type);
const types = (uri: string) => receiver.eventsAt(uri).map(shortType);
const rosterOf = async (connection: CallConnection) =>
  ((await connection.listParticipants()).values ?? []).map((participant) => participant.identifier);

/** An app leg alone in a fresh group call, connected. */
async function groupCallLeg(): Promise<{ uri: string; connection: CallConnection; id: string }> {
  const uri = receiver.callbackUri();
  const { callConnection, callConnectionProperties } = await client.connectCall(
    { kind: 'groupCallLocator', id: crypto.randomUUID() },
    uri,
  );
  await until(uri, 'CallConnected');
  return { uri, connection: callConnection, id: callConnectionProperties.callConnectionId! };
}

describe('addParticipant', () => {
  it('invites a user and a phone: 202 with an invitation id, then AddParticipantSucceeded and the roster', async () => {
    const { uri, connection, id } = await groupCallLeg();
    const added = await connection.addParticipant(
      { targetParticipant: alice },
      { operationContext: 'add alice' },
    );
    expect(added).toMatchObject({
      invitationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      operationContext: 'add alice',
      participant: { identifier: alice, isMuted: false },
    });
    const succeeded = await until(uri, 'AddParticipantSucceeded');
    expect(succeeded.data).toMatchObject({
      operationContext: 'add alice',
      participant: { rawId: alice.communicationUserId },
      resultInformation: { code: 200, subCode: 0 },
    });

    const phoneUri = receiver.callbackUri('phone-operation');
    await connection.addParticipant(
      { targetParticipant: { phoneNumber: '+14255550161' }, sourceCallIdNumber: callerId },
      { operationCallbackUrl: phoneUri, operationContext: 'dial out' },
    );
    await until(phoneUri, 'AddParticipantSucceeded');
    expect(types(phoneUri)).toEqual(['AddParticipantSucceeded']);
    // The control view shows which of the resource's numbers the phone was shown; a user is shown none.
    const invitations = emulator
      .calls()
      .calls.flatMap((call) => call.connections)
      .find((each) => each.callConnectionId === id)!.invitations;
    expect(invitations.map(({ target, sourceCallerIdNumber }) => ({ target, sourceCallerIdNumber }))).toEqual(
      [
        { target: alice.communicationUserId, sourceCallerIdNumber: undefined },
        { target: '4:+14255550161', sourceCallerIdNumber: '+14255550100' },
      ],
    );
    await receiver.waitForEvent(
      uri,
      (event) =>
        shortType(event) === 'ParticipantsUpdated' && (event.data['participants'] as unknown[]).length === 2,
    );
    expect(await rosterOf(connection)).toEqual([
      alice,
      { phoneNumber: '+14255550161', rawId: '4:+14255550161' },
    ]);
    await expect(connection.addParticipant({ targetParticipant: alice })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('needs an owned caller id for phones, and PSTN dial-out enabled on a Room', async () => {
    const { connection } = await groupCallLeg();
    await expect(
      connection.addParticipant({ targetParticipant: { phoneNumber: '+14255550162' } }),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      connection.addParticipant({
        targetParticipant: { phoneNumber: '+14255550162' },
        sourceCallIdNumber: { phoneNumber: '+14255550999' },
      }),
    ).rejects.toMatchObject({ statusCode: 403 });

    const rooms = roomsClient(emulator.connectionString());
    const closed = await rooms.createRoom({ pstnDialOutEnabled: false });
    const open = await rooms.createRoom({ pstnDialOutEnabled: true });
    for (const [room, status] of [
      [closed, 403],
      [open, 202],
    ] as const) {
      const uri = receiver.callbackUri();
      const leg = await client.connectCall({ kind: 'roomCallLocator', id: room.id }, uri);
      await until(uri, 'CallConnected');
      const outcome = await leg.callConnection
        .addParticipant({ targetParticipant: { phoneNumber: '+14255550163' }, sourceCallIdNumber: callerId })
        .then(
          () => 202,
          (error: { statusCode?: number }) => error.statusCode,
        );
      expect(outcome).toBe(status);
    }
  });

  it('reports a party that is busy, declines or does not answer in time as AddParticipantFailed', async () => {
    emulator.setParty({ target: '+14255550171', behaviour: 'busy' });
    emulator.setParty({ target: bob.communicationUserId, behaviour: 'reject' });
    emulator.setParty({ target: '+14255550172', behaviour: 'answer', answerDelayMs: 5000 });
    const { uri, connection } = await groupCallLeg();
    await connection.addParticipant({
      targetParticipant: { phoneNumber: '+14255550171' },
      sourceCallIdNumber: callerId,
    });
    await connection.addParticipant({ targetParticipant: bob });
    await connection.addParticipant(
      { targetParticipant: { phoneNumber: '+14255550172' }, sourceCallIdNumber: callerId },
      { invitationTimeoutInSeconds: 2 },
    );
    const failures = () =>
      receiver.eventsAt(uri).filter((event) => shortType(event) === 'AddParticipantFailed');
    await receiver.waitForEvent(uri, () => failures().length === 3);
    expect(failures().map((event) => event.data['resultInformation'])).toEqual([
      expect.objectContaining({ code: 486, subCode: 560486 }),
      expect.objectContaining({ code: 603 }),
      expect.objectContaining({ code: 487, subCode: 10004 }),
    ]);
    expect(await rosterOf(connection)).toEqual([]);
  });
});

describe('cancelAddParticipant', () => {
  it('stops a ringing invitation, and is too late once the invitee answered', async () => {
    emulator.setParty({ target: '+14255550181', behaviour: 'answer', answerDelayMs: 10_000 });
    const { uri, connection } = await groupCallLeg();
    const ringing = await connection.addParticipant({
      targetParticipant: { phoneNumber: '+14255550181' },
      sourceCallIdNumber: callerId,
    });
    expect(
      await connection.cancelAddParticipantOperation(ringing.invitationId!, { operationContext: 'stop' }),
    ).toMatchObject({
      invitationId: ringing.invitationId,
      operationContext: 'stop',
    });
    const canceled = await until(uri, 'CancelAddParticipantSucceeded');
    expect(canceled.data).toMatchObject({ invitationId: ringing.invitationId, operationContext: 'stop' });

    const answered = await connection.addParticipant({ targetParticipant: alice });
    await until(uri, 'AddParticipantSucceeded');
    await connection.cancelAddParticipantOperation(answered.invitationId!);
    const late = await until(uri, 'CancelAddParticipantFailed');
    expect(late.data).toMatchObject({
      invitationId: answered.invitationId,
      resultInformation: { code: 400 },
    });
    expect(
      emulator
        .calls()
        .calls.flatMap((call) => call.connections)
        .flatMap((each) => each.invitations)
        .filter((invitation) =>
          [ringing.invitationId, answered.invitationId].includes(invitation.invitationId),
        )
        .map((invitation) => invitation.state),
    ).toEqual(['canceled', 'answered']);
  });
});

describe('removeParticipant and muteParticipant', () => {
  it('removes someone in the call, fails for someone who is not, and mutes a user', async () => {
    const { uri, id, connection } = await groupCallLeg();
    emulator.joinCall(id, alice.communicationUserId);
    emulator.joinCall(id, bob.communicationUserId);
    expect(await rosterOf(connection)).toEqual([alice, bob]);

    await connection.muteParticipant(bob);
    expect(await connection.getParticipant(bob)).toMatchObject({ isMuted: true });
    await expect(connection.muteParticipant({ phoneNumber: '+14255550191' })).rejects.toMatchObject({
      statusCode: 400,
    });

    const removed = await connection.removeParticipant(alice, { operationContext: 'bye alice' });
    expect(removed).toMatchObject({ operationContext: 'bye alice' });
    const succeeded = await until(uri, 'RemoveParticipantSucceeded');
    expect(succeeded.data).toMatchObject({
      operationContext: 'bye alice',
      participant: { rawId: alice.communicationUserId },
    });
    expect(await rosterOf(connection)).toEqual([bob]);

    await connection.removeParticipant(alice);
    const failed = await until(uri, 'RemoveParticipantFailed');
    expect(failed.data['resultInformation']).toMatchObject({ subCode: 8558 });
  });
});

describe('transferCallToParticipant', () => {
  it('hands a 1:1 call to the target (then the app leg ends) or reports the transfer failed', async () => {
    const carol = await identityClient(emulator.connectionString()).createUser();
    const uri = receiver.callbackUri();
    const { callConnection } = await client.createCall({ targetParticipant: alice }, uri);
    await until(uri, 'ParticipantsUpdated');
    await callConnection.transferCallToParticipant(carol, { operationContext: 'to carol' });
    const accepted = await until(uri, 'CallTransferAccepted');
    expect(accepted.data).toMatchObject({
      operationContext: 'to carol',
      transferTarget: { rawId: carol.communicationUserId },
      transferee: { rawId: alice.communicationUserId },
    });
    const ended = await until(uri, 'CallDisconnected');
    expect(ended.data['resultInformation']).toMatchObject({ subCode: 7015 });
    const call = emulator
      .calls()
      .calls.find((each) => each.connections.some((leg) => leg.callbackUri === uri));
    expect(call).toMatchObject({ state: 'active' });
    expect(call?.participants.map((participant) => participant.rawId)).toEqual([
      alice.communicationUserId,
      carol.communicationUserId,
    ]);

    emulator.setParty({ target: '+14255550199', behaviour: 'busy' });
    const second = receiver.callbackUri();
    const other = await client.createCall({ targetParticipant: alice }, second);
    await until(second, 'ParticipantsUpdated');
    await other.callConnection.transferCallToParticipant({ phoneNumber: '+14255550199' });
    const failed = await until(second, 'CallTransferFailed');
    expect(failed.data['resultInformation']).toMatchObject({ code: 486 });
    expect(await other.callConnection.getCallConnectionProperties()).toMatchObject({
      callConnectionState: 'connected',
    });

    const { connection: group } = await groupCallLeg();
    await expect(group.transferCallToParticipant(bob)).rejects.toMatchObject({ statusCode: 400 });
  });
});
