import {
  DtmfTone,
  type CallAutomationClient,
  type CallConnection,
  type CallMedia,
} from '@azure/communication-call-automation';
import type { PhoneNumberIdentifier } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient } from './acsTestClients';
import {
  shortType,
  startCallbackReceiver,
  waitFor,
  type CallbackReceiver,
  type ReceivedEvent,
} from './callbackReceiver';

let emulator: AcsEmulator;
let client: CallAutomationClient;
let receiver: CallbackReceiver;

const prompt = { kind: 'fileSource' as const, url: 'https://prompts.example/menu.wav' };

beforeAll(async () => {
  // A play source lasts 3 s of call time: 30 ms here.
  emulator = await startAcsEmulator({ timeScale: 0.01 });
  client = callAutomationClient(emulator.connectionString());
  receiver = await startCallbackReceiver(emulator);
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

interface PhoneCall {
  uri: string;
  id: string;
  connection: CallConnection;
  media: CallMedia;
  caller: PhoneNumberIdentifier;
}

let nextNumber = 200;
/** A connected call to a fresh simulated phone. */
async function phoneCall(): Promise<PhoneCall> {
  const caller = { phoneNumber: `+1425555${String(nextNumber++).padStart(4, '0')}` };
  const uri = receiver.callbackUri();
  const { callConnection, callConnectionProperties } = await client.createCall(
    { targetParticipant: caller, sourceCallIdNumber: { phoneNumber: '+14255550100' } },
    uri,
  );
  await receiver.waitForEvent(uri, (event) => shortType(event) === 'ParticipantsUpdated');
  return {
    uri,
    id: callConnectionProperties.callConnectionId!,
    connection: callConnection,
    media: callConnection.getCallMedia(),
    caller,
  };
}

const types = (uri: string) => receiver.eventsAt(uri).map(shortType);
const until = (uri: string, type: string) => receiver.waitForEvent(uri, (event) => shortType(event) === type);
const mediaTypes = (uri: string) =>
  types(uri).filter((type) => !['CallConnected', 'ParticipantsUpdated'].includes(type));

/** Waits until the connection's running recognize listens (its prompt, if any, is over). */
function listening(id: string) {
  return waitFor(
    () =>
      emulator
        .calls()
        .calls.flatMap((call) => call.connections)
        .find((connection) => connection.callConnectionId === id)?.media.current?.phase === 'listening',
  );
}

const dtmf = (
  caller: PhoneNumberIdentifier,
  options: Record<string, unknown> & { maxTonesToCollect?: number },
): Parameters<CallMedia['startRecognizing']> => [
  caller,
  {
    kind: 'callMediaRecognizeDtmfOptions',
    initialSilenceTimeoutInSeconds: 60,
    interToneTimeoutInSeconds: 30,
    ...options,
  },
];

describe('play', () => {
  it('plays to everyone: PlayStarted, then PlayCompleted once its sources have played', async () => {
    const call = await phoneCall();
    await call.media.playToAll([prompt, prompt], { operationContext: 'greeting' });
    const completed = await until(call.uri, 'PlayCompleted');
    expect(mediaTypes(call.uri)).toEqual(['PlayStarted', 'PlayCompleted']);
    expect(completed.data).toMatchObject({
      operationContext: 'greeting',
      resultInformation: { code: 200, subCode: 0 },
    });
  });

  it('queues operations one after another, and an interrupting play cancels the running one', async () => {
    const call = await phoneCall();
    await call.media.play([prompt], [call.caller], { operationContext: 'first' });
    await call.media.play([prompt], [call.caller], { operationContext: 'second' });
    await receiver.waitForEvent(
      call.uri,
      (event) => shortType(event) === 'PlayCompleted' && event.data['operationContext'] === 'second',
    );
    expect(
      receiver
        .eventsAt(call.uri)
        .filter((event) => shortType(event).startsWith('Play'))
        .map((event) => `${shortType(event)}:${String(event.data['operationContext'])}`),
    ).toEqual(['PlayStarted:first', 'PlayCompleted:first', 'PlayStarted:second', 'PlayCompleted:second']);

    const other = await phoneCall();
    await other.media.playToAll([prompt], { loop: true, operationContext: 'hold music' });
    await until(other.uri, 'PlayStarted');
    await other.media.playToAll([prompt], {
      operationContext: 'announcement',
      interruptCallMediaOperation: true,
    });
    await receiver.waitForEvent(other.uri, (event) => shortType(event) === 'PlayCompleted');
    const canceled = receiver.eventsAt(other.uri).find((event) => shortType(event) === 'PlayCanceled');
    expect(canceled?.data).toMatchObject({
      operationContext: 'hold music',
      resultInformation: { code: 400, subCode: 8508 },
    });
  });

  it('refuses a play to someone not in the call, and a file that is not a URL', async () => {
    const call = await phoneCall();
    await expect(call.media.play([prompt], [{ phoneNumber: '+14255550999' }])).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(call.media.playToAll([{ kind: 'fileSource', url: 'menu.wav' }])).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(client.getCallConnection('gone').getCallMedia().playToAll([prompt])).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('reports PlayFailed when a media fault says the file cannot be fetched', async () => {
    const call = await phoneCall();
    emulator.injectMediaFault({ kind: 'playFailed' });
    await call.media.playToAll([prompt], { operationContext: 'broken' });
    const failed = await until(call.uri, 'PlayFailed');
    expect(failed.data).toMatchObject({
      operationContext: 'broken',
      resultInformation: { code: 400, subCode: 8536 },
    });
  });
});

describe('startRecognizing: DTMF', () => {
  const recognized = (uri: string) =>
    receiver.waitForEvent(uri, (event) =>
      ['RecognizeCompleted', 'RecognizeFailed'].includes(shortType(event)),
    );

  it('completes with 8531 when the maximum number of tones was pressed', async () => {
    const call = await phoneCall();
    await call.media.startRecognizing(
      ...dtmf(call.caller, { maxTonesToCollect: 3, operationContext: 'pin' }),
    );
    await listening(call.id);
    expect(emulator.pressDtmf(call.id, call.caller.phoneNumber, ['1', 'two', '3', '4'])).toMatchObject({
      heardBy: [call.id],
    });
    const event = await recognized(call.uri);
    expect(shortType(event)).toBe('RecognizeCompleted');
    expect(event.data).toMatchObject({
      operationContext: 'pin',
      recognitionType: 'dtmf',
      dtmfResult: { tones: ['one', 'two', 'three'] },
      resultInformation: { code: 200, subCode: 8531 },
    });
  });

  it('completes with 8514 on a stop tone, which is not among the tones collected', async () => {
    const call = await phoneCall();
    await call.media.startRecognizing(
      ...dtmf(call.caller, {
        maxTonesToCollect: 10,
        stopDtmfTones: ['pound'],
        playPrompt: prompt,
        interruptPrompt: true,
      }),
    );
    const pressed = await fetch(new URL(`__emulator/calls/${call.id}/dtmf`, emulator.url), {
      method: 'POST',
      body: JSON.stringify({ participant: `4:${call.caller.phoneNumber}`, tones: ['one', 'two', 'pound'] }),
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.json()).toEqual({ tones: ['one', 'two', 'pound'], heardBy: [call.id] });
    const event = await recognized(call.uri);
    expect(event.data).toMatchObject({
      dtmfResult: { tones: ['one', 'two'] },
      resultInformation: { subCode: 8514 },
    });
  });

  it('fails with 8510 when nothing is pressed before the initial silence timeout', async () => {
    const call = await phoneCall();
    await call.media.startRecognizing(
      ...dtmf(call.caller, { maxTonesToCollect: 4, initialSilenceTimeoutInSeconds: 2 }),
    );
    const event = await recognized(call.uri);
    expect(shortType(event)).toBe('RecognizeFailed');
    expect(event.data['resultInformation']).toMatchObject({ code: 400, subCode: 8510 });
  });

  it('ends with 8532 when the next tone does not come within the inter-tone timeout', async () => {
    const call = await phoneCall();
    await call.media.startRecognizing(
      ...dtmf(call.caller, { maxTonesToCollect: 4, interToneTimeoutInSeconds: 1 }),
    );
    await listening(call.id);
    emulator.pressDtmf(call.id, call.caller.phoneNumber, ['7']);
    const event = await recognized(call.uri);
    expect(event.data).toMatchObject({
      dtmfResult: { tones: ['seven'] },
      resultInformation: { subCode: 8532 },
    });
  });

  it('loses tones pressed during a prompt that may not be interrupted', async () => {
    const call = await phoneCall();
    await call.media.startRecognizing(
      ...dtmf(call.caller, {
        maxTonesToCollect: 1,
        playPrompts: [prompt, prompt, prompt],
        interruptPrompt: false,
      }),
    );
    expect(emulator.pressDtmf(call.id, call.caller.phoneNumber, ['9'])).toMatchObject({ heardBy: [] });
    await listening(call.id);
    emulator.pressDtmf(call.id, call.caller.phoneNumber, ['5']);
    const event = await recognized(call.uri);
    expect(event.data).toMatchObject({ dtmfResult: { tones: ['five'] } });
  });

  it('refuses timeouts outside ACS ranges and a target that is not in the call', async () => {
    const call = await phoneCall();
    await expect(
      call.media.startRecognizing(
        ...dtmf(call.caller, { maxTonesToCollect: 1, initialSilenceTimeoutInSeconds: 301 }),
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      call.media.startRecognizing(
        ...dtmf(call.caller, { maxTonesToCollect: 1, interToneTimeoutInSeconds: 61 }),
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      call.media.startRecognizing(...dtmf({ phoneNumber: '+14255550998' }, { maxTonesToCollect: 1 })),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('startRecognizing: choices', () => {
  const choices = [
    { label: 'sales', phrases: ['sales', 'buy'], tone: DtmfTone.One },
    { label: 'support', phrases: ['support', 'help'], tone: DtmfTone.Two },
  ];
  const recognizeChoices = (call: PhoneCall) =>
    call.media.startRecognizing(call.caller, {
      kind: 'callMediaRecognizeChoiceOptions',
      choices,
      initialSilenceTimeoutInSeconds: 60,
    });

  it('matches a tone or a phrase to a choice, and fails on a tone no choice has', async () => {
    const byTone = await phoneCall();
    await recognizeChoices(byTone);
    await listening(byTone.id);
    emulator.pressDtmf(byTone.id, byTone.caller.phoneNumber, ['2']);
    const toned = await until(byTone.uri, 'RecognizeCompleted');
    expect(toned.data).toMatchObject({
      recognitionType: 'choices',
      choiceResult: { label: 'support' },
      resultInformation: { subCode: 8533 },
    });

    const byVoice = await phoneCall();
    await recognizeChoices(byVoice);
    await listening(byVoice.id);
    expect(emulator.speak(byVoice.id, byVoice.caller.phoneNumber, 'Buy')).toEqual({ heardBy: [byVoice.id] });
    const spoken = await until(byVoice.uri, 'RecognizeCompleted');
    expect(spoken.data).toMatchObject({
      choiceResult: { label: 'sales', recognizedPhrase: 'Buy' },
      resultInformation: { subCode: 8545 },
    });

    const wrong = await phoneCall();
    await recognizeChoices(wrong);
    await listening(wrong.id);
    emulator.pressDtmf(wrong.id, wrong.caller.phoneNumber, ['9']);
    const failed = await until(wrong.uri, 'RecognizeFailed');
    expect(failed.data['resultInformation']).toMatchObject({ subCode: 8534 });
  });
});

describe('cancelAllMediaOperations, sendDtmfTones and continuous DTMF', () => {
  it('cancels the running recognize and everything queued behind it, each with its Canceled event', async () => {
    const call = await phoneCall();
    await call.media.startRecognizing(
      ...dtmf(call.caller, { maxTonesToCollect: 2, operationContext: 'menu' }),
    );
    await call.media.playToAll([prompt], { operationContext: 'after menu' });
    await listening(call.id);
    await call.media.cancelAllOperations();
    await until(call.uri, 'PlayCanceled');
    const canceled = receiver.eventsAt(call.uri).filter((event) => shortType(event).endsWith('Canceled'));
    expect(
      canceled.map((event: ReceivedEvent) => [shortType(event), event.data['operationContext']]),
    ).toEqual([
      ['RecognizeCanceled', 'menu'],
      ['PlayCanceled', 'after menu'],
    ]);
    expect(
      canceled.every((event) => (event.data['resultInformation'] as { subCode: number }).subCode === 8508),
    ).toBe(true);
  });

  it('sends DTMF to a participant and reports SendDtmfTonesCompleted', async () => {
    const call = await phoneCall();
    expect(
      await call.media.sendDtmfTones(['nine', 'pound'], call.caller, { operationContext: 'extension' }),
    ).toMatchObject({
      operationContext: 'extension',
    });
    await until(call.uri, 'SendDtmfTonesCompleted');
    const leg = emulator
      .calls()
      .calls.flatMap((each) => each.connections)
      .find((each) => each.callConnectionId === call.id);
    expect(leg?.media.sentDtmf).toEqual([
      { target: `4:${call.caller.phoneNumber}`, tones: ['nine', 'pound'] },
    ]);
  });

  it('reports every tone while continuous recognition runs, in sequence, then that it stopped', async () => {
    const call = await phoneCall();
    await call.media.startContinuousDtmfRecognition(call.caller, { operationContext: 'keys' });
    emulator.pressDtmf(call.id, call.caller.phoneNumber, ['1', '#']);
    await receiver.waitForEvent(
      call.uri,
      () =>
        receiver.eventsAt(call.uri).filter((e) => shortType(e) === 'ContinuousDtmfRecognitionToneReceived')
          .length === 2,
    );
    const tones = receiver
      .eventsAt(call.uri)
      .filter((event) => shortType(event) === 'ContinuousDtmfRecognitionToneReceived');
    expect(tones.map((event) => [event.data['tone'], event.data['sequenceId']])).toEqual([
      ['one', 1],
      ['pound', 2],
    ]);
    await call.media.stopContinuousDtmfRecognition(call.caller);
    await until(call.uri, 'ContinuousDtmfRecognitionStopped');
    expect(emulator.pressDtmf(call.id, call.caller.phoneNumber, ['3'])).toMatchObject({ heardBy: [] });
  });

  it('sends no media event after CallDisconnected', async () => {
    const call = await phoneCall();
    await call.media.playToAll([prompt], { loop: true });
    await until(call.uri, 'PlayStarted');
    await call.connection.hangUp(false);
    await until(call.uri, 'CallDisconnected');
    await emulator.callbacksSettled();
    expect(types(call.uri).at(-1)).toBe('CallDisconnected');
  });
});
