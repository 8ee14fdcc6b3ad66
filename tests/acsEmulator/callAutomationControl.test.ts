import type { CommunicationUserIdentifier } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient, identityClient, phoneNumbersClient } from './acsTestClients';
import {
  acsCallbackIssuer,
  shortType,
  startCallbackReceiver,
  type CallbackReceiver,
} from './callbackReceiver';

let emulator: AcsEmulator;
let receiver: CallbackReceiver;
let alice: CommunicationUserIdentifier;

beforeAll(async () => {
  emulator = await startAcsEmulator({ timeScale: 0.01 });
  receiver = await startCallbackReceiver(emulator);
  alice = await identityClient(emulator.connectionString()).createUser();
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

const control = (path: string, init?: RequestInit) =>
  fetch(new URL(`__emulator/${path}`, emulator.url), init);
const post = (path: string, body: unknown) => control(path, { method: 'POST', body: JSON.stringify(body) });

describe('phone numbers through PhoneNumbersClient', () => {
  it('lists the owned numbers with their capabilities, page by page, and gets one', async () => {
    const client = phoneNumbersClient(emulator.connectionString());
    const listed = [];
    for await (const number of client.listPurchasedPhoneNumbers()) listed.push(number);
    expect(listed).toEqual([
      expect.objectContaining({
        phoneNumber: '+14255550100',
        capabilities: { calling: 'inbound+outbound', sms: 'none' },
        assignmentType: 'application',
        purchaseDate: expect.any(Date),
      }),
    ]);

    for (let n = 0; n < 120; n += 1) {
      emulator.addPhoneNumber({ phoneNumber: `+1206555${String(n).padStart(4, '0')}`, calling: 'inbound' });
    }
    const pages = [];
    for await (const page of client.listPurchasedPhoneNumbers().byPage()) pages.push(page.length);
    expect(pages).toEqual([100, 21]);
    expect(await client.getPurchasedPhoneNumber('+12065550007')).toMatchObject({
      capabilities: { calling: 'inbound' },
    });
    await expect(client.getPurchasedPhoneNumber('+12065559999')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('shows and adds numbers over the control routes, refusing what is not E.164', async () => {
    expect((await post('phone-numbers', { phoneNumber: '+14255550155', calling: 'outbound' })).status).toBe(
      200,
    );
    expect((await post('phone-numbers', { phoneNumber: '4255550155' })).status).toBe(400);
    const { phoneNumbers } = (await (await control('phone-numbers')).json()) as {
      phoneNumbers: Array<{ phoneNumber: string; capabilities: { calling: string } }>;
    };
    expect(phoneNumbers.find((number) => number.phoneNumber === '+14255550155')?.capabilities.calling).toBe(
      'outbound',
    );
  });
});

describe('callback keys', () => {
  it('serves the JWKS and the OpenID configuration without authentication; callback tokens verify against them', async () => {
    const jwks = (await (await fetch(emulator.callbackJwksUrl)).json()) as {
      keys: Array<Record<string, string>>;
    };
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }),
    ]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const configuration = await (
      await fetch(new URL('calling/.well-known/acsopenidconfiguration', emulator.url))
    ).json();
    expect(configuration).toMatchObject({ issuer: acsCallbackIssuer, jwks_uri: emulator.callbackJwksUrl });

    const uri = receiver.callbackUri();
    await callAutomationClient(emulator.connectionString()).createCall({ targetParticipant: alice }, uri);
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'ParticipantsUpdated');
    const [callback] = receiver.received.filter((each) => each.path === new URL(uri).pathname);
    expect(callback?.verdict).toMatchObject({ ok: true });
    const claims = callback?.verdict.ok ? callback.verdict.claims : {};
    expect(claims).toMatchObject({ iss: acsCallbackIssuer, aud: emulator.resourceId });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
  });
});

describe('control routes', () => {
  it('sets a party over HTTP, lists parties, and refuses an unknown behaviour', async () => {
    expect(
      (await post('parties', { target: '+14255550601', behaviour: 'busy', answerDelayMs: 10 })).status,
    ).toBe(204);
    expect((await post('parties', { target: '+14255550601', behaviour: 'maybe' })).status).toBe(400);
    expect((await post('parties', { target: 'someone', behaviour: 'answer' })).status).toBe(400);
    const { parties } = (await (await control('parties')).json()) as { parties: unknown[] };
    expect(parties).toContainEqual({ target: '4:+14255550601', behaviour: 'busy', answerDelayMs: 10 });
  });

  it('lets a party join, speak and hang up over HTTP, and shows the call with its deliveries', async () => {
    const uri = receiver.callbackUri();
    const { callConnectionProperties, callConnection } = await callAutomationClient(
      emulator.connectionString(),
    ).connectCall({ kind: 'groupCallLocator', id: crypto.randomUUID() }, uri);
    const id = callConnectionProperties.callConnectionId!;
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'CallConnected');

    expect((await post(`calls/${id}/participants`, { participant: alice.communicationUserId })).status).toBe(
      204,
    );
    await callConnection.getCallMedia().startRecognizing(alice, {
      kind: 'callMediaRecognizeSpeechOptions',
      initialSilenceTimeoutInSeconds: 60,
    });
    await receiver.waitForEvent(
      uri,
      (event) =>
        shortType(event) === 'ParticipantsUpdated' && (event.data['participants'] as unknown[]).length === 1,
    );
    const said = await post(`calls/${id}/speech`, {
      participant: alice.communicationUserId,
      phrase: 'hello there',
    });
    expect(await said.json()).toEqual({ heardBy: [id] });
    const recognized = await receiver.waitForEvent(uri, (event) => shortType(event) === 'RecognizeCompleted');
    expect(recognized.data).toMatchObject({
      recognitionType: 'speech',
      speechResult: { speech: 'hello there' },
    });

    const left = await control(`calls/${id}/participants/${encodeURIComponent(alice.communicationUserId)}`, {
      method: 'DELETE',
    });
    expect(left.status).toBe(204);
    expect(
      (await post(`calls/${id}/dtmf`, { participant: alice.communicationUserId, tones: ['1'] })).status,
    ).toBe(404);
    expect(
      (await post(`calls/${id}/dtmf`, { participant: alice.communicationUserId, tones: ['x'] })).status,
    ).toBe(400);
    expect(
      (await post('calls/no-such-call/dtmf', { participant: '+14255550602', tones: ['1'] })).status,
    ).toBe(404);
    await emulator.callbacksSettled();

    const view = (await (await control('calls')).json()) as ReturnType<AcsEmulator['calls']>;
    const leg = view.calls
      .flatMap((call) => call.connections)
      .find((connection) => connection.callConnectionId === id);
    expect(leg).toMatchObject({ origin: 'connectCall', state: 'connected', callbackUri: uri });
    expect(leg?.deliveries.map((delivery) => [delivery.eventTypes[0], delivery.status])).toEqual([
      ['CallConnected', 200],
      ['ParticipantsUpdated', 200],
      ['ParticipantsUpdated', 200],
      ['RecognizeCompleted', 200],
      ['ParticipantsUpdated', 200],
    ]);
    expect(
      view.calls.find((call) => call.connections.some((each) => each.callConnectionId === id)),
    ).toMatchObject({
      locator: { kind: 'groupCall' },
      participants: [],
      sequenceNumber: 3,
    });
  });

  it('takes media faults over HTTP: the next recognize prompt fails with 8511', async () => {
    expect((await post('media-faults', { kind: 'recognizePromptFailed' })).status).toBe(204);
    expect((await post('media-faults', { kind: 'everythingFails' })).status).toBe(400);
    const uri = receiver.callbackUri();
    const { callConnection } = await callAutomationClient(emulator.connectionString()).createCall(
      { targetParticipant: alice },
      uri,
    );
    await receiver.waitForEvent(uri, (event) => shortType(event) === 'ParticipantsUpdated');
    await callConnection.getCallMedia().startRecognizing(alice, {
      kind: 'callMediaRecognizeDtmfOptions',
      maxTonesToCollect: 1,
      playPrompt: { kind: 'fileSource', url: 'https://prompts.example/pin.wav' },
    });
    const failed = await receiver.waitForEvent(uri, (event) => shortType(event) === 'RecognizeFailed');
    expect(failed.data['resultInformation']).toMatchObject({ code: 500, subCode: 8511 });
  });

  it('reports no Event Grid subscription until one is set', async () => {
    expect(await (await control('event-grid/subscription')).json()).toEqual({ subscription: null });
    expect((await post('event-grid/subscription', { endpoint: 'not a url' })).status).toBe(400);
    expect((await control('event-grid/validate?code=guess')).status).toBe(400);
  });
});
