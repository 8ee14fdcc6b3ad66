import { randomUUID } from 'node:crypto';
import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../local/acsEmulator/startAcsEmulator';
import type { CallbackTally } from '../../shared/callAutomation/callbackReceiver';
import type { ConnectionView, OperationView } from '../../shared/callAutomation/callAutomationService';
import { tableKey } from '../../shared/storage/tableKey';
import {
  apiOf,
  eventually,
  incomingCallRole,
  ownedNumber,
  promptHost,
  pstnRole,
  startAutomationStack,
  type AutomationStack,
  type Person,
} from './support/automationStack';

/*
 * What ACS posts, and what can go wrong with it: forged or misdirected callbacks (401, nothing changed),
 * callbacks twice or out of order (one transition, the right end state), ACS accepting a request whose answer
 * was lost (one call, one invitation), and Event Grid's incoming calls through a menu.
 */

let stack: AutomationStack;
let api: ReturnType<typeof apiOf>;
let organizer: Person;

beforeAll(async () => {
  stack = await startAutomationStack({ env: { PSTN_CALLS_PER_HOUR: '5' } });
  api = apiOf(stack.services[0]!);
  organizer = await person('olga', [pstnRole]);
  const admin = await person('root', ['admin']);
  const prompt = await api('PUT', '/manage/prompts/hold-music', admin, {
    url: `https://${promptHost}/hold.wav`,
  });
  expect(prompt.status, prompt.text).toBe(200);
});
afterAll(() => stack?.close());

async function person(name: string, roles: string[] = []): Promise<Person> {
  const sub = `${name}-${randomUUID()}`;
  return { sub, token: await stack.services[0]!.signIn(sub, { roles }) };
}

const emulatorCall = (predicate: (call: CallView) => boolean) => stack.emulator.calls().calls.find(predicate);
const byConnection = (callConnectionId: string) => (call: CallView) =>
  call.connections.some((connection) => connection.callConnectionId === callConnectionId);

async function automation(callId: string) {
  const response = await api<ConnectionView>('GET', `/calls/${callId}/automation`, organizer);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

async function connectedRoom() {
  const call = await api<{ id: string }>('POST', '/calls', organizer, { kind: 'room' });
  expect(call.status, call.text).toBe(201);
  expect((await api('POST', `/calls/${call.body.id}/automation`, organizer)).status).toBe(201);
  const view = await eventually(async () => {
    const current = await automation(call.body.id);
    return current.state === 'connected' ? current : undefined;
  }, 'the connection');
  return { callId: call.body.id, callConnectionId: view.callConnectionId! };
}

const operationOf = async (callId: string, operationId: string) =>
  (await api<OperationView>('GET', `/calls/${callId}/automation/operations/${operationId}`, organizer)).body;

const settled = (callId: string, operationId: string) =>
  eventually(async () => {
    const operation = await operationOf(callId, operationId);
    return operation.status === 'pending' ? undefined : operation;
  }, 'the operation to settle');

async function play(callId: string) {
  const played = await api<OperationView>('POST', `/calls/${callId}/automation/play`, organizer, {
    promptId: 'hold-music',
  });
  expect(played.status, played.text).toBe(202);
  return played.body.operationId;
}

/** Every row of the call's partition with its ETag: equal snapshots mean nothing was written. */
async function partition(callId: string) {
  const rows: string[] = [];
  const filter = odata`PartitionKey eq ${callId}`;
  for await (const row of stack.tableClients.CallAutomation.listEntities({ queryOptions: { filter } })) {
    rows.push(`${row.rowKey} ${row.etag}`);
  }
  return rows.sort();
}

const inboxHas = async (callId: string, eventId: string) => {
  try {
    await stack.tableClients.CallAutomation.getEntity(callId, `event_${tableKey(eventId)}`);
    return true;
  } catch {
    return false;
  }
};

/** The callbacks the proxy passed on for a path, and what the service answered. */
const posted = (callId: string) =>
  stack.proxy.requests.filter((request) => request.path.includes(`/${callId}/`));

const post = (path: string, body: unknown, authorization?: string) =>
  fetch(`${stack.services[0]!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

describe('callbacks that are not what they claim', () => {
  it('are refused with 401 and change nothing: bad signature, wrong audience, expired, another binding', async () => {
    const { callId, callConnectionId } = await connectedRoom();
    await stack.emulator.callbacksSettled();
    for (const kind of ['badSignature', 'wrongAudience', 'expired', 'otherBinding'] as const) {
      const before = await partition(callId);
      const deliveriesBefore = stack.emulator.callbackDeliveries().length;
      // Both of the play's callbacks (PlayStarted, PlayCompleted) are spoiled: the operation must stay pending.
      stack.emulator.injectCallbackFault({ kind, count: 2 });
      const operationId = await play(callId);
      const spoiled = await eventually(async () => {
        const deliveries = stack.emulator.callbackDeliveries().slice(deliveriesBefore);
        const done = deliveries.filter(
          (delivery) => delivery.fault === kind && delivery.status !== 'pending',
        );
        return done.length === 2 ? done : undefined;
      }, `the ${kind} callbacks`);
      expect(spoiled.map((delivery) => delivery.status)).toEqual([401, 401]);
      for (const delivery of spoiled) {
        for (const eventId of delivery.eventIds) expect(await inboxHas(callId, eventId)).toBe(false);
      }
      expect(await operationOf(callId, operationId)).toMatchObject({ status: 'pending' });
      // The only row written is the operation itself, by the request that made it.
      expect((await partition(callId)).filter((row) => !before.includes(row))).toEqual([
        expect.stringMatching(new RegExp(`^op_${operationId} `)),
      ]);
      expect(callConnectionId).toBeTruthy();
    }
  });

  it('are refused with 401 and change nothing: no token, a real token replayed to another binding or with another callConnectionId', async () => {
    const first = await connectedRoom();
    const second = await connectedRoom();
    await stack.emulator.callbacksSettled();
    // What an eavesdropper on ACS's network has: a valid ACS token and a real callback, of the first call.
    const captured = posted(first.callId).find((request) => request.status === 200)!;
    const events = JSON.parse(captured.body) as Array<{ id: string; data: { callConnectionId: string } }>;
    const fresh = events.map((event) => ({ ...event, id: randomUUID() }));
    const [, callId, bindingId] = /\/events\/([^/]+)\/([^/?]+)/.exec(captured.path) ?? [];
    expect(callId).toBe(first.callId);
    const secondBinding = /\/events\/[^/]+\/([^/?]+)/.exec(posted(second.callId)[0]!.path)![1]!;

    const snapshots = async () => [await partition(first.callId), await partition(second.callId)];
    const before = await snapshots();
    const attempts = [
      post(`/api/callautomation/events/${first.callId}/${bindingId}`, fresh),
      post(`/api/callautomation/events/${first.callId}/${'x'.repeat(22)}`, fresh, captured.authorization),
      post(`/api/callautomation/events/${first.callId}/${secondBinding}`, fresh, captured.authorization),
      post(`/api/callautomation/events/${second.callId}/${secondBinding}`, fresh, captured.authorization),
      post(
        `/api/callautomation/events/${first.callId}/${bindingId}`,
        [
          ...fresh,
          {
            ...fresh[0]!,
            id: randomUUID(),
            data: { ...fresh[0]!.data, callConnectionId: second.callConnectionId },
          },
        ],
        captured.authorization,
      ),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(await snapshots()).toEqual(before);
  });
});

describe('callbacks twice, late or out of order', () => {
  it('apply once: a duplicated delivery is a duplicate, and the operation completes once', async () => {
    const { callId } = await connectedRoom();
    await stack.emulator.callbacksSettled();
    stack.emulator.injectCallbackFault({ kind: 'duplicate', count: 2 });
    const operationId = await play(callId);
    const done = await settled(callId, operationId);
    expect(done.status).toBe('succeeded');
    await stack.emulator.callbacksSettled();
    const completions = posted(callId).filter((request) => request.body.includes('PlayCompleted'));
    expect(completions).toHaveLength(2);
    const tallies = completions.map((request) => JSON.parse(request.response) as CallbackTally);
    expect(tallies).toEqual([
      { applied: 1, unchanged: 0, duplicates: 0, ignored: 0 },
      { applied: 0, unchanged: 0, duplicates: 1, ignored: 0 },
    ]);
    expect((await operationOf(callId, operationId)).updatedAt).toBe(done.updatedAt);
  });

  it('end in the right state when they arrive in another order, and a stale one changes nothing', async () => {
    const { callId } = await connectedRoom();
    await stack.emulator.callbacksSettled();
    // AddParticipantSucceeded is held back until ParticipantsUpdated went out.
    stack.emulator.injectCallbackFault({ kind: 'reorder' });
    const added = await api<OperationView>('POST', `/calls/${callId}/automation/participants`, organizer, {
      phoneNumber: '+14255550131',
    });
    expect(added.status, added.text).toBe(202);
    expect(await settled(callId, added.body.operationId)).toMatchObject({ status: 'succeeded' });
    await stack.emulator.callbacksSettled();
    const order = posted(callId).map(
      (request) => (JSON.parse(request.body) as Array<{ type: string }>)[0]!.type,
    );
    expect(order.slice(-2)).toEqual([
      'Microsoft.Communication.ParticipantsUpdated',
      'Microsoft.Communication.AddParticipantSucceeded',
    ]);
    const view = await automation(callId);
    expect(view.participants.map((participant) => participant.phoneNumber)).toContain('+14255550131');

    // An older ParticipantsUpdated (a lower sequence number, a new event id) arriving now changes nothing;
    // nor does a CallConnected after the call moved on, nor a second completion of the operation.
    const latest = posted(callId).find(
      (request) => request.body.includes('ParticipantsUpdated') && request.status === 200,
    )!;
    const [update] = JSON.parse(latest.body) as Array<{ id: string; data: { sequenceNumber: number } }>;
    const stale = [
      { ...update!, id: randomUUID(), data: { ...update!.data, sequenceNumber: 0, participants: [] } },
      ...(
        JSON.parse(posted(callId).find((request) => request.body.includes('CallConnected'))!.body) as object[]
      ).map((event) => ({ ...event, id: randomUUID() })),
      ...(
        JSON.parse(
          posted(callId).find((request) => request.body.includes('AddParticipantSucceeded'))!.body,
        ) as Array<{ data: object }>
      ).map((event) => ({
        ...event,
        id: randomUUID(),
        type: 'Microsoft.Communication.AddParticipantFailed',
      })),
    ];
    const replay = await post(latest.path, stale, latest.authorization);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ applied: 0, unchanged: 3, duplicates: 0, ignored: 0 });
    expect((await automation(callId)).participants).toEqual(view.participants);
    expect(await operationOf(callId, added.body.operationId)).toMatchObject({ status: 'succeeded' });

    // Unknown event types are taken (200) and ignored.
    const unknown = await post(
      latest.path,
      [
        {
          ...update!,
          id: randomUUID(),
          type: 'Microsoft.Communication.SomethingNew',
          data: { callConnectionId: (update!.data as { callConnectionId?: string }).callConnectionId },
        },
      ],
      latest.authorization,
    );
    expect(await unknown.json()).toEqual({ applied: 0, unchanged: 0, duplicates: 0, ignored: 1 });
  });
});

describe('ACS accepted, but its answer was lost (503 after the fact)', () => {
  it('createCall is retried with the same repeatability id: one call, in-process and on the client’s retry', async () => {
    const callee = await person('cal');
    expect((await api('POST', '/token', callee, {})).status).toBe(200);
    const replaysBefore = stack.emulator.repeatabilityReplays();
    stack.emulator.injectFaults({ count: 1, status: 503, operation: 'createCall', after: true });
    const placed = await api<{ id: string; kind: string }>('POST', '/calls', organizer, {
      kind: 'outbound',
      targets: [{ subjectId: callee.sub }, { phoneNumber: '+14255550132' }],
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.kind).toBe('outbound');
    const row = await stack.tableClients.CallAutomation.getEntity<{ pinRequestId: string }>(
      placed.body.id,
      'connection',
    );
    const legs = stack.emulator
      .calls()
      .calls.flatMap((call) => call.connections)
      .filter((connection) => connection.targets.includes('4:+14255550132'));
    expect(legs).toHaveLength(1);
    expect(legs[0]!.repeatabilityRequestId).toBe(row.pinRequestId);
    expect(stack.emulator.repeatabilityReplays()).toBe(replaysBefore + 1);

    // The client's own retry, after every in-process try failed: the same requestId is the same call.
    const requestId = randomUUID();
    stack.emulator.injectFaults({ count: 4, status: 503, operation: 'createCall', after: true });
    const body = { kind: 'outbound', targets: [{ phoneNumber: '+14255550133' }], requestId };
    const failed = await api('POST', '/calls', organizer, body);
    expect(failed.status, failed.text).toBe(503);
    expect(failed.headers.get('retry-after')).toBeTruthy();
    const retried = await api<{ id: string }>('POST', '/calls', organizer, body);
    expect(retried.status, retried.text).toBe(201);
    const again = await api<{ id: string }>('POST', '/calls', organizer, body);
    expect(again.body.id).toBe(retried.body.id);
    const placedLegs = stack.emulator
      .calls()
      .calls.flatMap((call) => call.connections)
      .filter((connection) => connection.targets.includes('4:+14255550133'));
    expect(placedLegs).toHaveLength(1);
    const stored = await stack.tableClients.CallAutomation.getEntity<{ pinRequestId: string }>(
      retried.body.id,
      'connection',
    );
    expect(placedLegs[0]!.repeatabilityRequestId).toBe(stored.pinRequestId);
  });

  it('addParticipant is retried with the same repeatability id: one invitation', async () => {
    const { callId, callConnectionId } = await connectedRoom();
    stack.emulator.injectFaults({ count: 1, status: 503, operation: 'addParticipant', after: true });
    const added = await api<OperationView>('POST', `/calls/${callId}/automation/participants`, organizer, {
      phoneNumber: '+14255550134',
    });
    expect(added.status, added.text).toBe(202);
    // The same person again (a client's retry) is the same operation.
    const again = await api<OperationView>('POST', `/calls/${callId}/automation/participants`, organizer, {
      phoneNumber: '+14255550134',
    });
    expect(again.status, again.text).toBe(202);
    expect(again.body.operationId).toBe(added.body.operationId);
    const invitations = emulatorCall(byConnection(callConnectionId))!
      .connections.find((connection) => connection.callConnectionId === callConnectionId)!
      .invitations.filter((invitation) => invitation.target === '4:+14255550134');
    const row = await stack.tableClients.CallAutomation.getEntity<{ pinRequestId: string }>(
      callId,
      `op_${added.body.operationId}`,
    );
    expect(invitations).toHaveLength(1);
    expect(invitations[0]!.repeatabilityRequestId).toBe(row.pinRequestId);
  });
});

describe('phone calls cost money', () => {
  it('are held to the subject’s PSTN budget: the sixth phone in an hour is 429, and nothing rings', async () => {
    const spender = await person('spencer', [pstnRole]);
    const call = await api<{ id: string }>('POST', '/calls', spender, { kind: 'room' });
    const base = `/calls/${call.body.id}/automation`;
    expect((await api('POST', base, spender)).status).toBe(201);
    const view = await eventually(async () => {
      const current = (await api<ConnectionView>('GET', base, spender)).body;
      return current.state === 'connected' ? current : undefined;
    }, 'the connection');
    for (let i = 0; i < 5; i++) {
      const added = await api('POST', `${base}/participants`, spender, { phoneNumber: `+1425555017${i}` });
      expect(added.status, added.text).toBe(202);
    }
    const over = await api('POST', `${base}/participants`, spender, { phoneNumber: '+14255550179' });
    expect(over.status, over.text).toBe(429);
    expect(over.body).toMatchObject({ code: 'PstnBudgetExceeded' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const leg = emulatorCall(byConnection(view.callConnectionId!))!.connections.find(
      (connection) => connection.callConnectionId === view.callConnectionId,
    )!;
    expect(leg.invitations.map((invitation) => invitation.target)).not.toContain('4:+14255550179');
    // People are not phones: an add by subject is checked (here: not invited), not held to the PSTN budget.
    const byName = await api('POST', `${base}/participants`, spender, { subjectId: 'not-invited' });
    expect(byName.body).toMatchObject({ status: 400, code: 'SubjectNotInvited' });
  });
});

describe('incoming calls through Event Grid', () => {
  it('answers a call to a number with a menu, plays the greeting, and transfers "2" to its target', async () => {
    const admin = await person('ada', ['admin']);
    const menu = await api('PUT', `/manage/phone-numbers/${encodeURIComponent(ownedNumber)}/menu`, admin, {
      greetingPromptId: 'hold-music',
      choices: [
        { key: '1', label: 'sales', target: { phoneNumber: '+14255550141' } },
        { key: '2', label: 'support', target: { phoneNumber: '+14255550142' } },
      ],
      initialSilenceTimeoutSeconds: 30,
    });
    expect(menu.status, menu.text).toBe(200);
    const numbers = await api<{ phoneNumbers: Array<{ phoneNumber: string; hasMenu: boolean }> }>(
      'GET',
      '/manage/phone-numbers',
      admin,
    );
    expect(numbers.body.phoneNumbers).toContainEqual(
      expect.objectContaining({ phoneNumber: ownedNumber, hasMenu: true }),
    );

    const endpoint = `${stack.services[0]!.url}/api/callautomation/incoming-calls`;
    // Without the role the handshake is refused, and so no subscription can be made.
    const userToken = (await person('mallory')).token;
    const refused = await stack.emulator.setEventGridSubscription({
      endpoint,
      authorization: async () => userToken,
    });
    expect(refused).toMatchObject({ validated: false, validation: { status: 403 } });
    const eventGrid = await stack.services[0]!.signIn('event-grid', { roles: [incomingCallRole] });
    const subscription = await stack.emulator.setEventGridSubscription({
      endpoint,
      authorization: async () => eventGrid,
    });
    expect(subscription).toMatchObject({ validated: true });

    const incoming = await stack.emulator.deliverIncomingCall({ from: '+14255550177', to: ownedNumber });
    expect(incoming.delivery).toMatchObject({ status: 200 });
    const call = () => emulatorCall((candidate) => candidate.serverCallId === incoming.serverCallId);
    const listening = await eventually(async () => {
      const connection = call()?.connections[0];
      // Keys pressed before the recognize has started are lost, as they would be on a real call.
      const current = connection?.media.current;
      return current?.kind === 'recognize' && current.phase !== 'starting' ? connection : undefined;
    }, 'the menu to listen');
    stack.emulator.pressDtmf(listening.callConnectionId, '4:+14255550177', ['two']);
    await eventually(
      async () =>
        call()?.participants.some((participant) => participant.rawId === '4:+14255550142') ? true : undefined,
      'the caller to be transferred to support',
    );
    expect(call()!.participants.map((participant) => participant.rawId)).not.toContain('4:+14255550141');
    const answered = stack.emulator
      .calls()
      .incomingCalls.find((entry) => entry.serverCallId === incoming.serverCallId);
    expect(answered).toMatchObject({ state: 'answered' });
  });
});
