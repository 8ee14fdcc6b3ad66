import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackTally } from '../../shared/callAutomation/callbackReceiver';
import type { ConnectionView, OperationView } from '../../shared/callAutomation/callAutomationService';
import {
  apiOf,
  eventually,
  promptHost,
  pstnRole,
  startAutomationStack,
  type AutomationStack,
  type Person,
} from './support/automationStack';

/*
 * Two instances of the service, as Azure scales it out: separate processes, no shared memory, one storage
 * account and one ACS resource; ACS's callbacks are shared out between them in turn (the proxy stands in
 * for the load balancer), and requests go to either.
 */
let stack: AutomationStack;
let a: ReturnType<typeof apiOf>;
let b: ReturnType<typeof apiOf>;

beforeAll(async () => {
  stack = await startAutomationStack({ instances: 2 });
  [a, b] = stack.services.map(apiOf) as [ReturnType<typeof apiOf>, ReturnType<typeof apiOf>];
}, 60_000);
afterAll(() => stack?.close());

async function person(name: string, roles: string[] = []): Promise<Person> {
  const sub = `${name}-${randomUUID()}`;
  return { sub, token: await stack.services[0]!.signIn(sub, { roles }) };
}

describe('two instances receiving alternate callbacks', () => {
  it('end in the same state, with each event applied once', async () => {
    const admin = await person('admin', ['admin']);
    expect(
      (await b('PUT', '/manage/prompts/tone', admin, { url: `https://${promptHost}/tone.wav` })).status,
    ).toBe(200);
    const organizer = await person('organizer', [pstnRole]);
    const call = await a<{ id: string }>('POST', '/calls', organizer, { kind: 'room' });
    expect(call.status, call.text).toBe(201);
    const base = `/calls/${call.body.id}/automation`;
    expect((await b('POST', base, organizer)).status).toBe(201);
    const connected = await eventually(async () => {
      const view = (await a<ConnectionView>('GET', base, organizer)).body;
      return view.state === 'connected' ? view : undefined;
    }, 'the connection');

    // Every callback of a duplicate pair goes to the other instance than the first of the pair.
    stack.emulator.injectCallbackFault({ kind: 'duplicate', count: 4 });
    const added = await a<OperationView>('POST', `${base}/participants`, organizer, {
      phoneNumber: '+14255550151',
    });
    expect(added.status, added.text).toBe(202);
    const phone = await eventually(async () => {
      const view = (await b<ConnectionView>('GET', base, organizer)).body;
      return view.participants.find((participant) => participant.phoneNumber === '+14255550151');
    }, 'the phone on the call');
    const played = await b<OperationView>('POST', `${base}/play`, organizer, { promptId: 'tone' });
    const listening = await a<OperationView>('POST', `${base}/recognize`, organizer, {
      participantId: phone.participantId,
      dtmf: { maxTones: 3 },
      initialSilenceTimeoutSeconds: 60,
    });
    expect(listening.status, listening.text).toBe(202);
    await eventually(async () => {
      const leg = stack.emulator
        .calls()
        .calls.flatMap((entry) => entry.connections)
        .find((entry) => entry.callConnectionId === connected.callConnectionId);
      const current = leg?.media.current;
      return current?.kind === 'recognize' && current.phase !== 'starting' ? true : undefined;
    }, 'the recognize to start');
    stack.emulator.pressDtmf(connected.callConnectionId!, '4:+14255550151', ['four', 'two', 'zero']);
    const operation = (api: typeof a, id: string) =>
      api<OperationView>('GET', `${base}/operations/${id}`, organizer);
    await eventually(
      async () =>
        (await operation(b, listening.body.operationId)).body.status === 'succeeded' ? true : undefined,
      'the tones',
    );
    await stack.emulator.callbacksSettled();

    // The same state, read on either instance.
    for (const id of [added.body.operationId, played.body.operationId, listening.body.operationId]) {
      expect((await operation(a, id)).body).toEqual((await operation(b, id)).body);
    }
    expect((await operation(a, listening.body.operationId)).body).toMatchObject({
      status: 'succeeded',
      result: { tones: ['4', '2', '0'] },
    });
    expect((await a('GET', base, organizer)).body).toEqual((await b('GET', base, organizer)).body);

    // Both instances took callbacks, and a duplicate sent to the other instance was applied nowhere twice.
    const callbacks = stack.proxy.requests.filter((request) => request.path.includes(`/${call.body.id}/`));
    expect(new Set(callbacks.map((request) => request.target))).toEqual(new Set([0, 1]));
    const byEvent = new Map<string, Array<{ target: number; tally: CallbackTally }>>();
    for (const request of callbacks) {
      const [event] = JSON.parse(request.body) as Array<{ id: string }>;
      const list = byEvent.get(event!.id) ?? [];
      list.push({ target: request.target, tally: JSON.parse(request.response) as CallbackTally });
      byEvent.set(event!.id, list);
    }
    const pairs = [...byEvent.values()].filter((list) => list.length === 2);
    expect(pairs.length).toBe(4);
    for (const [first, second] of pairs) {
      expect(first!.target).not.toBe(second!.target);
      expect(second!.tally).toMatchObject({ applied: 0, duplicates: 1 });
    }
  });
});
