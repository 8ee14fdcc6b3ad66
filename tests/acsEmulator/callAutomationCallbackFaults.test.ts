import type { CallAutomationClient } from '@azure/communication-call-automation';
import type { CommunicationUserIdentifier } from '@azure/communication-common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient, identityClient } from './acsTestClients';
import {
  shortType,
  startCallbackReceiver,
  waitFor,
  type CallbackReceiver,
  type ReceivedCallback,
} from './callbackReceiver';

let emulator: AcsEmulator;
let client: CallAutomationClient;
let receiver: CallbackReceiver;
let alice: CommunicationUserIdentifier;

beforeAll(async () => {
  emulator = await startAcsEmulator({ timeScale: 0.01 });
  client = callAutomationClient(emulator.connectionString());
  receiver = await startCallbackReceiver(emulator);
  alice = await identityClient(emulator.connectionString()).createUser();
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});
// Faults apply to whichever callback goes out next: start each test with nothing in flight.
beforeEach(() => emulator.callbacksSettled());

const pathOf = (uri: string) => new URL(uri).pathname;
const postsTo = (uri: string): ReceivedCallback[] =>
  receiver.received.filter((post) => post.path === pathOf(uri));
const postedTypes = (uri: string) => postsTo(uri).flatMap((post) => post.events.map(shortType));

const deliveriesOf = (id: string, on = emulator) =>
  on.callbackDeliveries().filter((delivery) => delivery.callConnectionId === id);

/** Places a call to Alice and waits until its first callbacks (`deliveries` posts) are done with. */
async function callAlice(deliveries = 2, on = emulator): Promise<{ uri: string; id: string }> {
  const uri = receiver.callbackUri();
  const { callConnectionProperties } = await callAutomationClient(on.connectionString()).createCall(
    { targetParticipant: alice },
    uri,
  );
  const id = callConnectionProperties.callConnectionId!;
  await waitFor(() => deliveriesOf(id, on).length >= deliveries);
  await on.callbacksSettled();
  return { uri, id };
}

describe('callback faults', () => {
  it('duplicate: the same CloudEvent (same id) posted twice', async () => {
    emulator.injectCallbackFault({ kind: 'duplicate' });
    const { uri, id } = await callAlice(3);
    expect(postedTypes(uri)).toEqual(['CallConnected', 'CallConnected', 'ParticipantsUpdated']);
    const [first, second] = postsTo(uri);
    expect(second?.events[0]?.id).toBe(first?.events[0]?.id);
    expect(deliveriesOf(id)).toEqual([
      expect.objectContaining({ eventTypes: ['CallConnected'], fault: 'duplicate', status: 200 }),
      expect.objectContaining({ eventTypes: ['CallConnected'], fault: 'duplicate', status: 200 }),
      expect.objectContaining({ eventTypes: ['ParticipantsUpdated'], status: 200 }),
    ]);
  });

  it('reorder: one callback held back until the next one went out', async () => {
    emulator.injectCallbackFault({ kind: 'reorder' });
    const { uri } = await callAlice();
    expect(postedTypes(uri)).toEqual(['ParticipantsUpdated', 'CallConnected']);
  });

  it('delay: one callback late while the others go on', async () => {
    emulator.injectCallbackFault({ kind: 'delay', delayMs: 150 });
    const uri = receiver.callbackUri();
    const started = Date.now();
    await client.createCall({ targetParticipant: alice }, uri);
    await waitFor(() => postedTypes(uri).length === 2);
    expect(postedTypes(uri)).toEqual(['ParticipantsUpdated', 'CallConnected']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drop: a callback never posted, recorded as dropped', async () => {
    emulator.injectCallbackFault({ kind: 'drop' });
    const { uri, id } = await callAlice();
    expect(postedTypes(uri)).toEqual(['ParticipantsUpdated']);
    expect(deliveriesOf(id)[0]).toMatchObject({
      eventTypes: ['CallConnected'],
      status: 'dropped',
    });
  });

  it('badSignature, wrongAudience, expired: tokens a verifier must refuse', async () => {
    const verdicts: Array<[string, string]> = [];
    for (const kind of ['badSignature', 'wrongAudience', 'expired'] as const) {
      emulator.injectCallbackFault({ kind });
      const { uri, id } = await callAlice();
      const [spoiled, fine] = postsTo(uri);
      expect(fine?.verdict.ok).toBe(true);
      verdicts.push([kind, spoiled?.verdict.ok === false ? spoiled.verdict.reason : 'accepted']);
      expect(deliveriesOf(id)[0]).toMatchObject({
        fault: kind,
        status: 401,
      });
    }
    expect(verdicts).toEqual([
      ['badSignature', 'JWSSignatureVerificationFailed'],
      ['wrongAudience', 'JWTClaimValidationFailed'],
      ['expired', 'JWTExpired'],
    ]);
  });

  it("otherBinding: a connection's callback posted to another connection's callback URL", async () => {
    const first = await callAlice();
    const second = await callAlice();
    emulator.injectCallbackFault({ kind: 'otherBinding' });
    emulator.hangUpParty(second.id, alice.communicationUserId);
    await waitFor(() => deliveriesOf(second.id).length >= 4);
    await emulator.callbacksSettled();
    const misdelivered = postsTo(first.uri)
      .flatMap((post) => post.events)
      .filter((event) => event.data.callConnectionId === second.id);
    expect(misdelivered.map(shortType)).toEqual(['ParticipantsUpdated']);
    expect(postedTypes(second.uri)).toEqual(['CallConnected', 'ParticipantsUpdated', 'CallDisconnected']);
  });

  it('otherBinding with no other connection: the last path segment of its own URL replaced', async () => {
    const lonely = await startAcsEmulator({ timeScale: 0.01 });
    try {
      lonely.injectCallbackFault({ kind: 'otherBinding' });
      const { uri, id } = await callAlice(2, lonely);
      const [misdirected, proper] = deliveriesOf(id, lonely);
      expect(misdirected?.url).toMatch(/\/callbacks\/[0-9a-f-]{36}$/);
      expect(misdirected?.url).not.toBe(uri);
      expect(proper?.url).toBe(uri);
    } finally {
      await lonely.close();
    }
  });

  it('takes faults over HTTP, refusing a delay without delayMs, and applies count', async () => {
    const post = (body: unknown) =>
      fetch(new URL('__emulator/callback-faults', emulator.url), {
        method: 'POST',
        body: JSON.stringify(body),
      });
    expect((await post({ kind: 'delay' })).status).toBe(400);
    expect((await post({ kind: 'teleport' })).status).toBe(400);
    expect((await post({ kind: 'drop', count: 2 })).status).toBe(204);
    const { uri } = await callAlice();
    expect(postedTypes(uri)).toEqual([]);
    const next = await callAlice();
    expect(postedTypes(next.uri)).toEqual(['CallConnected', 'ParticipantsUpdated']);
  });
});
