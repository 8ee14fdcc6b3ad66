import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventGridTopic } from '../../local/acsEmulator/callAutomation/eventGridDelivery';
import type { CallView } from '../../local/acsEmulator/startAcsEmulator';
import { derivedUuid } from '../../shared/callAutomation/derivedId';
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
  stack = await startAutomationStack({
    env: { PSTN_CALLS_PER_HOUR: '5' },
    // Long enough (10 s, 5 s of real time) that an invitation or an incoming call is still ringing when a
    // test's retry or redelivery comes, however loaded the machine.
    callAutomation: { durations: { invitationTimeoutMs: 1_000_000, incomingCallTimeoutMs: 500_000 } },
  });
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
      // What was refused was real: ACS did play the prompt to the end on this very connection.
      const leg = emulatorCall(byConnection(callConnectionId))!.connections.find(
        (connection) => connection.callConnectionId === callConnectionId,
      )!;
      expect(leg.state).toBe('connected');
      expect(leg.media.current).toBeUndefined();
      expect(spoiled.flatMap((delivery) => delivery.eventTypes)).toEqual([
        expect.stringMatching(/PlayStarted$/),
        expect.stringMatching(/PlayCompleted$/),
      ]);
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

  it('addParticipant is resumed by the client’s retry after every in-process try failed: one invitation', async () => {
    const { callId, callConnectionId } = await connectedRoom();
    // Still ringing when the retry comes: the add must be finished by sending it again, not found done.
    stack.emulator.setParty({ target: '+14255550136', behaviour: 'answer', answerDelayMs: 500_000 });
    const replaysBefore = stack.emulator.repeatabilityReplays();
    stack.emulator.injectFaults({ count: 4, status: 503, operation: 'addParticipant', after: true });
    const body = { phoneNumber: '+14255550136' };
    const failed = await api('POST', `/calls/${callId}/automation/participants`, organizer, body);
    expect(failed.status, failed.text).toBe(503);
    expect(failed.headers.get('retry-after')).toBeTruthy();
    expect((await automation(callId)).participants.map((each) => each.phoneNumber)).not.toContain(
      body.phoneNumber,
    );

    const retried = await api<OperationView>(
      'POST',
      `/calls/${callId}/automation/participants`,
      organizer,
      body,
    );
    expect(retried.status, retried.text).toBe(202);
    expect(retried.body).toMatchObject({ kind: 'addParticipant', status: 'pending' });
    const invitations = emulatorCall(byConnection(callConnectionId))!
      .connections.find((connection) => connection.callConnectionId === callConnectionId)!
      .invitations.filter((invitation) => invitation.target === '4:+14255550136');
    const row = await stack.tableClients.CallAutomation.getEntity<{
      pinRequestId: string;
      acceptedAt?: string;
      invitationId?: string;
    }>(callId, `op_${retried.body.operationId}`);
    expect(invitations).toHaveLength(1);
    expect(invitations[0]).toMatchObject({ state: 'ringing', repeatabilityRequestId: row.pinRequestId });
    // Three in-process tries and the client's retry were all answered from ACS's memory of the first.
    expect(stack.emulator.repeatabilityReplays()).toBe(replaysBefore + 4);
    expect(row).toMatchObject({ acceptedAt: expect.any(String), invitationId: invitations[0]!.invitationId });
  });

  it('connect is retried with the same repeatability id: one connection, in-process and on the client’s retry', async () => {
    const legsOf = (callId: string) =>
      stack.emulator
        .calls()
        .calls.flatMap((call) => call.connections)
        .filter((connection) => connection.callbackUri.includes(`/${callId}/`));
    const host = await person('hana');
    for (const tries of [1, 4]) {
      const call = await api<{ id: string }>('POST', '/calls', host, { kind: 'room' });
      expect(call.status, call.text).toBe(201);
      const replaysBefore = stack.emulator.repeatabilityReplays();
      stack.emulator.injectFaults({ count: tries, status: 503, operation: 'connectCall', after: true });
      const path = `/calls/${call.body.id}/automation`;
      const first = await api('POST', path, host);
      if (tries === 1) {
        expect(first.status, first.text).toBe(201);
        expect(stack.emulator.repeatabilityReplays()).toBe(replaysBefore + 1);
      } else {
        expect(first.status, first.text).toBe(503);
        // The client's retry finds the connection it started, and finishes it: no second one.
        const retried = await api('POST', path, host);
        expect(retried.status, retried.text).toBe(200);
      }
      const view = await eventually(async () => {
        const current = (await api<ConnectionView>('GET', path, host)).body;
        return current.state === 'connected' ? current : undefined;
      }, 'the connection');
      const row = await stack.tableClients.CallAutomation.getEntity<{ pinRequestId: string }>(
        call.body.id,
        'connection',
      );
      const legs = legsOf(call.body.id);
      expect(legs).toHaveLength(1);
      expect(legs[0]).toMatchObject({
        callConnectionId: view.callConnectionId,
        repeatabilityRequestId: row.pinRequestId,
      });
    }
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

describe('Event Grid deliveries: the handshake, foreign topics, redeliveries', () => {
  interface GridEvent {
    id: string;
    topic?: string;
    eventType: string;
    data: Record<string, unknown>;
  }
  /** Stands where the service would as the subscription's endpoint: keeps what Event Grid posts. */
  let capture: { url: string; events: GridEvent[]; close(): Promise<void> };
  let eventGridToken: string;
  const foreignTopic =
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.EventGrid/topics/lookalike';

  beforeAll(async () => {
    const events: GridEvent[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const posted = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GridEvent[];
        events.push(...posted);
        const code = posted[0]?.data['validationCode'];
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(code ? JSON.stringify({ validationResponse: code }) : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    capture = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      events,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    expect(await stack.emulator.setEventGridSubscription({ endpoint: capture.url })).toMatchObject({
      validated: true,
    });
    const admin = await person('adele', ['admin']);
    const menu = await api('PUT', `/manage/phone-numbers/${encodeURIComponent(ownedNumber)}/menu`, admin, {
      choices: [{ key: '1', target: { phoneNumber: '+14255550141' } }],
    });
    expect(menu.status, menu.text).toBe(200);
    eventGridToken = await stack.services[0]!.signIn('event-grid', { roles: [incomingCallRole] });
  });
  afterAll(() => capture?.close());

  const deliver = (events: unknown[], eventType?: string) =>
    api<Record<string, unknown>>(
      'POST',
      '/callautomation/incoming-calls',
      { sub: 'event-grid', token: eventGridToken },
      events,
      eventType ? { 'aeg-event-type': eventType } : {},
    );

  /** An incoming call the emulator rang, and the IncomingCall event Event Grid carried for it. */
  async function incomingCall(from: string) {
    const delivered = await stack.emulator.deliverIncomingCall({ from, to: ownedNumber });
    const event = capture.events.find(
      (candidate) =>
        candidate.eventType === 'Microsoft.Communication.IncomingCall' &&
        candidate.data['incomingCallContext'] === delivered.incomingCallContext,
    )!;
    expect(event.topic).toBe(eventGridTopic);
    const state = () =>
      stack.emulator.calls().incomingCalls.find((entry) => entry.serverCallId === delivered.serverCallId)!;
    const legs = () =>
      stack.emulator.calls().calls.find((call) => call.serverCallId === delivered.serverCallId)
        ?.connections ?? [];
    return { event, state, legs, callId: derivedUuid('incoming', event.id) };
  }

  const connectionRow = (callId: string) =>
    stack.tableClients.CallAutomation.getEntity<{ pinRequestId: string }>(callId, 'connection');

  it('answer the subscription handshake only as one handshake, from the resource’s topic', async () => {
    const validation = (overrides: Record<string, unknown> = {}) => ({
      id: randomUUID(),
      topic: eventGridTopic,
      subject: '',
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      eventTime: new Date().toISOString(),
      data: { validationCode: 'let-me-in', validationUrl: 'https://eventgrid.invalid/validate' },
      dataVersion: '1',
      metadataVersion: '1',
      ...overrides,
    });
    const answered = await deliver([validation()], 'SubscriptionValidation');
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body).toEqual({ validationResponse: 'let-me-in' });

    for (const [events, eventType] of [
      [[validation()], 'Notification'],
      [[validation()], undefined],
      [[validation({ topic: foreignTopic })], 'SubscriptionValidation'],
      [[validation({ topic: undefined })], 'SubscriptionValidation'],
      [[validation(), validation()], 'SubscriptionValidation'],
    ] as const) {
      const refused = await deliver([...events], eventType);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body).toMatchObject({ code: 'InvalidSubscriptionValidation' });
      expect(refused.text).not.toContain('let-me-in');
    }
  });

  it('ignore an IncomingCall from another topic, and answer a redelivered one once', async () => {
    const call = await incomingCall('+14255550181');
    const foreign = { ...call.event, id: randomUUID(), topic: foreignTopic };
    const ignored = await deliver([foreign], 'Notification');
    expect(ignored.status, ignored.text).toBe(200);
    expect(ignored.body).toEqual({ answered: 0, ignored: 1 });
    expect(call.state().state).toBe('ringing');
    await expect(connectionRow(derivedUuid('incoming', foreign.id))).rejects.toMatchObject({
      statusCode: 404,
    });

    // Event Grid delivers at least once: the same event twice at once, then again later.
    const twice = await Promise.all([
      deliver([call.event], 'Notification'),
      deliver([call.event], 'Notification'),
    ]);
    const again = await deliver([call.event], 'Notification');
    for (const response of [...twice, again]) {
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ answered: 1, ignored: 0 });
    }
    expect(call.state().state).toBe('answered');
    expect(call.legs()).toHaveLength(1);
    expect(call.legs()[0]!.repeatabilityRequestId).toBe((await connectionRow(call.callId)).pinRequestId);
  });

  it('answer is retried with the same repeatability id when ACS took it but answered 503: one connection', async () => {
    for (const tries of [1, 4]) {
      const call = await incomingCall(`+1425555019${tries}`);
      const replaysBefore = stack.emulator.repeatabilityReplays();
      stack.emulator.injectFaults({ count: tries, status: 503, operation: 'answerCall', after: true });
      const first = await deliver([call.event], 'Notification');
      if (tries === 1) {
        expect(first.status, first.text).toBe(200);
        expect(stack.emulator.repeatabilityReplays()).toBe(replaysBefore + 1);
      } else {
        // Every in-process try failed: Event Grid is told to come back, and its redelivery finishes the answer.
        expect(first.status, first.text).toBe(503);
        expect(first.headers.get('retry-after')).toBeTruthy();
        const redelivered = await deliver([call.event], 'Notification');
        expect(redelivered.status, redelivered.text).toBe(200);
        // The three in-process retries were replays; the redelivery is a fourth, unless ACS's CallConnected
        // reached the service first and told it the connection's id (then there is nothing left to send).
        expect(stack.emulator.repeatabilityReplays()).toBeGreaterThanOrEqual(replaysBefore + 3);
      }
      expect(call.state().state).toBe('answered');
      expect(call.legs()).toHaveLength(1);
      expect(call.legs()[0]!.repeatabilityRequestId).toBe((await connectionRow(call.callId)).pinRequestId);
    }
  });
});
