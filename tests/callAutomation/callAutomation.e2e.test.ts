import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../local/acsEmulator/startAcsEmulator';
import type { ConnectionView, OperationView } from '../../shared/callAutomation/callAutomationService';
import type { ServiceResponse } from '../support/localService';
import {
  apiOf,
  eventually,
  ownedNumber,
  promptHost,
  pstnRole,
  startAutomationStack,
  type AutomationStack,
  type Person,
} from './support/automationStack';

/*
 * Call Automation end to end over HTTP: the service in its own process, the real CallAutomationClient inside
 * it, the ACS emulator and Azurite owned by this file, and every callback on its way from the emulator to the
 * service through a proxy that keeps a copy (as an eavesdropper on ACS's network could).
 */

let stack: AutomationStack;
let api: ReturnType<typeof apiOf>;
let admin: Person;

beforeAll(async () => {
  stack = await startAutomationStack();
  api = apiOf(stack.services[0]!);
  admin = await person('admin', ['admin']);
  const prompt = await api('PUT', '/manage/prompts/greeting', admin, {
    url: `https://${promptHost}/prompts/greeting.wav`,
    description: 'Welcome',
  });
  expect(prompt.status, prompt.text).toBe(200);
});
afterAll(() => stack?.close());

async function person(name: string, roles: string[] = []): Promise<Person> {
  const sub = `${name}-${randomUUID()}`;
  return { sub, token: await stack.services[0]!.signIn(sub, { roles }) };
}

function expectProblem(response: ServiceResponse, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code });
}

/** The emulator's view of the call a connection is on. */
function emulatorCall(callConnectionId: string): CallView | undefined {
  return stack.emulator
    .calls()
    .calls.find((call) =>
      call.connections.some((connection) => connection.callConnectionId === callConnectionId),
    );
}

const connectionOf = (call: CallView | undefined, callConnectionId: string) =>
  call?.connections.find((connection) => connection.callConnectionId === callConnectionId);

async function automation(callId: string, who: Person) {
  const response = await api<ConnectionView>('GET', `/calls/${callId}/automation`, who);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

async function connectedRoom(organizer: Person, invitees: string[] = []) {
  const call = await api<{ id: string }>('POST', '/calls', organizer, {
    kind: 'room',
    title: 'Clinic',
    invitees,
  });
  expect(call.status, call.text).toBe(201);
  const connected = await api<ConnectionView>('POST', `/calls/${call.body.id}/automation`, organizer);
  expect(connected.status, connected.text).toBe(201);
  const view = await eventually(async () => {
    const current = await automation(call.body.id, organizer);
    return current.state === 'connected' ? current : undefined;
  }, 'the connection to connect');
  return { callId: call.body.id, callConnectionId: view.callConnectionId! };
}

async function operationSettled(callId: string, operationId: string, who: Person) {
  return eventually(async () => {
    const response = await api<OperationView>(
      'GET',
      `/calls/${callId}/automation/operations/${operationId}`,
      who,
    );
    expect(response.status, response.text).toBe(200);
    return response.body.status === 'pending' ? undefined : response.body;
  }, `operation ${operationId} to settle`);
}

/**
 * Waits until the emulator's media for the connection is listening (a recognize has started): keys pressed
 * before are lost, as on a real call.
 */
const listeningAt = (callConnectionId: string) =>
  eventually(async () => {
    const current = connectionOf(emulatorCall(callConnectionId), callConnectionId)?.media.current;
    return current?.kind === 'recognize' && current.phase !== 'starting' ? true : undefined;
  }, 'the emulator to listen');

async function addPhone(callId: string, organizer: Person, phoneNumber: string) {
  const added = await api<OperationView>('POST', `/calls/${callId}/automation/participants`, organizer, {
    phoneNumber,
  });
  expect(added.status, added.text).toBe(202);
  expect(added.body).toMatchObject({ kind: 'addParticipant', status: 'pending' });
  expect(await operationSettled(callId, added.body.operationId, organizer)).toMatchObject({
    status: 'succeeded',
  });
  const view = await eventually(async () => {
    const current = await automation(callId, organizer);
    return current.participants.some((participant) => participant.phoneNumber === phoneNumber)
      ? current
      : undefined;
  }, 'the phone to be on the call');
  const participant = view.participants.find((candidate) => candidate.phoneNumber === phoneNumber)!;
  return { ...participant, addOperationId: added.body.operationId };
}

describe('the organizer runs a Room call through Call Automation', () => {
  it('connects, adds a phone, plays a prompt, collects "1 2 #" pressed on the phone, and reads the tones', async () => {
    const organizer = await person('olivia', [pstnRole]);
    const { callId, callConnectionId } = await connectedRoom(organizer);
    const roomCall = emulatorCall(callConnectionId);
    expect(roomCall?.locator).toMatchObject({ kind: 'room' });

    const phone = await addPhone(callId, organizer, '+14255550123');
    expect(phone).toMatchObject({ kind: 'phone', phoneNumber: '+14255550123' });
    // The same person again is the same operation: one invitation.
    const twice = await api<OperationView>('POST', `/calls/${callId}/automation/participants`, organizer, {
      phoneNumber: '+14255550123',
    });
    expect(twice.body.operationId).toBe(phone.addOperationId);
    // The caller id shown to the phone is the resource's own number.
    expect(connectionOf(emulatorCall(callConnectionId), callConnectionId)?.invitations).toEqual([
      expect.objectContaining({ target: '4:+14255550123', sourceCallerIdNumber: ownedNumber }),
    ]);

    const played = await api<OperationView>('POST', `/calls/${callId}/automation/play`, organizer, {
      promptId: 'greeting',
    });
    expect(played.status, played.text).toBe(202);
    expect(await operationSettled(callId, played.body.operationId, organizer)).toMatchObject({
      kind: 'play',
      status: 'succeeded',
    });

    const listening = await api<OperationView>('POST', `/calls/${callId}/automation/recognize`, organizer, {
      participantId: phone.participantId,
      dtmf: { maxTones: 6, stopTones: ['#'], interToneTimeoutSeconds: 10 },
      initialSilenceTimeoutSeconds: 30,
    });
    expect(listening.status, listening.text).toBe(202);
    await listeningAt(callConnectionId);
    const pressed = await fetch(new URL(`__emulator/calls/${callConnectionId}/dtmf`, stack.emulator.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ participant: '4:+14255550123', tones: ['1', '2', '#'] }),
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.json()).toMatchObject({ heardBy: [callConnectionId] });

    const collected = await operationSettled(callId, listening.body.operationId, organizer);
    expect(collected).toMatchObject({
      kind: 'recognize',
      status: 'succeeded',
      participantId: phone.participantId,
      result: { tones: ['1', '2'] },
      resultInformation: { subCode: 8514 },
    });

    // At rest the tones are sealed: no column of the operation's row holds them.
    const row = await stack.tableClients.CallAutomation.getEntity<Record<string, unknown>>(
      callId,
      `op_${listening.body.operationId}`,
    );
    const columns = JSON.stringify(row);
    expect(columns).not.toContain('tones');
    expect(columns).not.toContain('["1","2"]');
    expect(row).toMatchObject({ resultKeyId: expect.any(String), resultData: expect.any(String) });
  });
});

describe('who may do what', () => {
  it('an invitee reads the connection (phones masked) but not the tones, and gets 403 on organizer actions; a stranger gets 404', async () => {
    const organizer = await person('oscar', [pstnRole]);
    const invitee = await person('ivy');
    const stranger = await person('sam');
    const { callId, callConnectionId } = await connectedRoom(organizer, [invitee.sub]);
    const phone = await addPhone(callId, organizer, '+14255550124');

    const seen = await automation(callId, invitee);
    expect(seen.callConnectionId).toBeUndefined();
    expect(
      seen.participants.find((participant) => participant.participantId === phone.participantId),
    ).toMatchObject({
      kind: 'phone',
      phoneNumber: '+1********24',
    });

    const base = `/calls/${callId}/automation`;
    for (const [method, path, body] of [
      ['POST', base, undefined],
      ['DELETE', base, undefined],
      ['POST', `${base}/participants`, { phoneNumber: '+14255550125' }],
      ['DELETE', `${base}/participants/${phone.participantId}`, undefined],
      ['POST', `${base}/play`, { promptId: 'greeting' }],
      ['POST', `${base}/recognize`, { participantId: phone.participantId, dtmf: { maxTones: 1 } }],
      ['POST', `${base}/cancel-media`, undefined],
    ] as const) {
      expectProblem(await api(method, path, invitee, body), 403, 'NotCallOrganizer');
      expectProblem(await api(method, path, stranger, body), 404, 'CallNotFound');
    }
    expectProblem(await api('GET', base, stranger), 404, 'CallNotFound');

    const listening = await api<OperationView>('POST', `${base}/recognize`, organizer, {
      participantId: phone.participantId,
      dtmf: { maxTones: 1 },
    });
    expect(listening.status, listening.text).toBe(202);
    const operation = `${base}/operations/${listening.body.operationId}`;
    expectProblem(await api('GET', operation, stranger), 404, 'CallNotFound');
    await listeningAt(callConnectionId);
    stack.emulator.pressDtmf(callConnectionId, '4:+14255550124', ['nine']);
    await operationSettled(callId, listening.body.operationId, organizer);
    const asOrganizer = await api<OperationView>('GET', operation, organizer);
    const asInvitee = await api<OperationView>('GET', operation, invitee);
    expect(asOrganizer.body).toMatchObject({ status: 'succeeded', result: { tones: ['9'] } });
    expect(asInvitee.body).toMatchObject({ status: 'succeeded' });
    expect(asInvitee.body.result).toBeUndefined();
  });

  it('refuses bad input with 400 and a caller without the PSTN role with 403, changing nothing at ACS', async () => {
    const organizer = await person('opal');
    const { callId, callConnectionId } = await connectedRoom(organizer);
    const base = `/calls/${callId}/automation`;
    const invitations = () =>
      connectionOf(emulatorCall(callConnectionId), callConnectionId)?.invitations.length;
    const before = invitations();

    expectProblem(
      await api('POST', `${base}/participants`, organizer, { phoneNumber: '+14255550126' }),
      403,
      'PstnRoleRequired',
    );
    expectProblem(
      await api('POST', '/calls', organizer, {
        kind: 'outbound',
        targets: [{ phoneNumber: '+14255550126' }],
      }),
      403,
      'PstnRoleRequired',
    );
    expectProblem(
      await api('POST', `${base}/participants`, organizer, { phoneNumber: '4255550126' }),
      400,
      'ValidationFailed',
    );
    expectProblem(
      await api('POST', `${base}/participants`, organizer, { phoneNumber: '+1 425 555 0126' }),
      400,
      'ValidationFailed',
    );
    expectProblem(
      await api('POST', `${base}/play`, organizer, { promptId: 'no-such-prompt' }),
      400,
      'UnknownPrompt',
    );
    expectProblem(
      await api('POST', `${base}/play`, organizer, { url: `https://${promptHost}/mine.wav` }),
      400,
      'ValidationFailed',
    );
    expectProblem(
      await api('POST', `${base}/recognize`, organizer, {
        participantId: 'AAAAAAAAAAAAAAAAAAAAAA',
        dtmf: { maxTones: 1 },
      }),
      400,
      'UnknownParticipant',
    );
    expectProblem(
      await api('POST', `${base}/recognize`, organizer, {
        participantId: 'AAAAAAAAAAAAAAAAAAAAAA',
        dtmf: { maxTones: 1, interToneTimeoutSeconds: 0 },
      }),
      400,
      'ValidationFailed',
    );
    expectProblem(
      await api('POST', `${base}/participants`, organizer, { subjectId: 'not-invited' }),
      400,
      'SubjectNotInvited',
    );
    const adminOnly = await api('PUT', '/manage/prompts/elsewhere', admin, {
      url: 'https://evil.example.net/a.wav',
    });
    expectProblem(adminOnly, 400, 'PromptUrlNotAllowed');

    expect(invitations()).toBe(before);
    expect(connectionOf(emulatorCall(callConnectionId), callConnectionId)?.media.current).toBeUndefined();
  });
});

describe('people, phones and the end of a call', () => {
  it('adds an invitee by subject (mapped back to them), removes the phone, cancels media, and hangs up for everyone', async () => {
    const organizer = await person('owen', [pstnRole]);
    const invitee = await person('iris');
    expect((await api('POST', '/token', invitee, {})).status).toBe(200);
    const { callId, callConnectionId } = await connectedRoom(organizer, [invitee.sub]);
    const base = `/calls/${callId}/automation`;

    const added = await api<OperationView>('POST', `${base}/participants`, organizer, {
      subjectId: invitee.sub,
    });
    expect(added.status, added.text).toBe(202);
    expect(await operationSettled(callId, added.body.operationId, organizer)).toMatchObject({
      status: 'succeeded',
    });
    const withInvitee = await eventually(async () => {
      const view = await automation(callId, organizer);
      return view.participants.some((participant) => participant.subjectId === invitee.sub)
        ? view
        : undefined;
    }, 'the invitee on the call');
    expect(
      withInvitee.participants.find((participant) => participant.subjectId === invitee.sub),
    ).toMatchObject({
      kind: 'user',
    });

    const phone = await addPhone(callId, organizer, '+14255550127');
    const listening = await api<OperationView>('POST', `${base}/recognize`, organizer, {
      participantId: phone.participantId,
      dtmf: { maxTones: 4 },
      initialSilenceTimeoutSeconds: 300,
    });
    await listeningAt(callConnectionId);
    expect((await api('POST', `${base}/cancel-media`, organizer)).status).toBe(204);
    expect(await operationSettled(callId, listening.body.operationId, organizer)).toMatchObject({
      status: 'canceled',
      resultInformation: { subCode: 8508 },
    });

    const removed = await api<OperationView>(
      'DELETE',
      `${base}/participants/${phone.participantId}`,
      organizer,
    );
    expect(removed.status, removed.text).toBe(202);
    expect(await operationSettled(callId, removed.body.operationId, organizer)).toMatchObject({
      status: 'succeeded',
    });
    await eventually(async () => {
      const view = await automation(callId, organizer);
      return view.participants.some((participant) => participant.participantId === phone.participantId)
        ? undefined
        : true;
    }, 'the phone to leave');
    // Someone who left is invited anew: another operation, not the finished one.
    const again = await api<OperationView>('POST', `${base}/participants`, organizer, {
      phoneNumber: '+14255550127',
    });
    expect(again.status, again.text).toBe(202);
    expect(again.body.operationId).not.toBe(phone.addOperationId);
    expect(await operationSettled(callId, again.body.operationId, organizer)).toMatchObject({
      status: 'succeeded',
    });

    const hungUp = await api('DELETE', `${base}?forEveryone=true`, organizer);
    expect(hungUp.status, hungUp.text).toBe(204);
    const ended = await eventually(async () => {
      const view = await automation(callId, organizer);
      return view.state === 'disconnected' ? view : undefined;
    }, 'the call to end');
    expect(ended.participants).toEqual([]);
    expect(emulatorCall(callConnectionId)?.state).toBe('ended');
    // Hanging up again is a success; media on an ended connection is a conflict, not a 500.
    expect((await api('DELETE', base, organizer)).status).toBe(204);
    expectProblem(
      await api('POST', `${base}/play`, organizer, { promptId: 'greeting' }),
      409,
      'CallNotConnected',
    );
  });

  it('shows a phone the caller id the organizer picks when it is one of the resource’s outbound numbers, and refuses any other', async () => {
    const organizer = await person('olaf', [pstnRole]);
    const { callId, callConnectionId } = await connectedRoom(organizer);
    const base = `/calls/${callId}/automation`;
    stack.emulator.addPhoneNumber({ phoneNumber: '+14255550108', calling: 'inbound' });
    stack.emulator.addPhoneNumber({ phoneNumber: '+14255550109', calling: 'outbound' });
    const invitations = () =>
      connectionOf(emulatorCall(callConnectionId), callConnectionId)?.invitations ?? [];

    for (const callerId of ['+14255550198', '+14255550108']) {
      expectProblem(
        await api('POST', `${base}/participants`, organizer, { phoneNumber: '+14255550128', callerId }),
        400,
        'UnknownCallerId',
      );
    }
    expect(invitations()).toEqual([]);

    const added = await api<OperationView>('POST', `${base}/participants`, organizer, {
      phoneNumber: '+14255550128',
      callerId: '+14255550109',
    });
    expect(added.status, added.text).toBe(202);
    expect(invitations()).toEqual([
      expect.objectContaining({ target: '4:+14255550128', sourceCallerIdNumber: '+14255550109' }),
    ]);
  });

  it('recognizes a choice, spoken or keyed, and shows its label to the organizer', async () => {
    const organizer = await person('orla', [pstnRole]);
    const { callId, callConnectionId } = await connectedRoom(organizer);
    const phone = await addPhone(callId, organizer, '+14255550129');
    const base = `/calls/${callId}/automation`;
    const choices = [
      { label: 'yes', phrases: ['yes', 'yeah'], key: '1' },
      { label: 'no', phrases: ['no', 'nope'], key: '2' },
    ];
    const ask = async () => {
      const asked = await api<OperationView>('POST', `${base}/recognize`, organizer, {
        participantId: phone.participantId,
        choices,
        initialSilenceTimeoutSeconds: 30,
      });
      expect(asked.status, asked.text).toBe(202);
      await listeningAt(callConnectionId);
      return asked.body.operationId;
    };

    const spoken = await ask();
    stack.emulator.speak(callConnectionId, '4:+14255550129', 'yeah');
    expect(await operationSettled(callId, spoken, organizer)).toMatchObject({
      kind: 'recognize',
      status: 'succeeded',
      result: { choice: 'yes' },
    });

    const keyed = await ask();
    stack.emulator.pressDtmf(callConnectionId, '4:+14255550129', ['two']);
    expect(await operationSettled(callId, keyed, organizer)).toMatchObject({
      status: 'succeeded',
      result: { choice: 'no' },
    });
  });

  it('places an outbound call to a subject, recorded like any other call: the callee sees it', async () => {
    const organizer = await person('ola');
    const callee = await person('cleo');
    expect((await api('POST', '/token', callee, {})).status).toBe(200);
    const placed = await api<{ id: string; kind: string; invitees: unknown[] }>('POST', '/calls', organizer, {
      kind: 'outbound',
      title: 'Checking in',
      targets: [{ subjectId: callee.sub }],
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body).toMatchObject({ kind: 'outbound', invitees: [{ subjectId: callee.sub }] });
    const listed = await api<{ calls: Array<{ id: string }> }>('GET', '/calls', callee);
    expect(listed.body.calls.map((call) => call.id)).toContain(placed.body.id);
    const view = await eventually(async () => {
      const current = await automation(placed.body.id, organizer);
      return current.state === 'connected' &&
        current.participants.some((participant) => participant.subjectId === callee.sub)
        ? current
        : undefined;
    }, 'the callee to answer');
    expect(view.callConnectionId).toBeTruthy();
    // Someone who never signed in has no ACS identity to ring.
    expectProblem(
      await api('POST', '/calls', organizer, {
        kind: 'outbound',
        targets: [{ subjectId: 'never-signed-in' }],
      }),
      409,
      'SubjectHasNoIdentity',
    );
  });
});
