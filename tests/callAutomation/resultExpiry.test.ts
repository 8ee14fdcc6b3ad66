import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import type { CallAutomation } from '../../shared/callAutomation/callAutomation';
import { callbackEventsSchema } from '../../shared/callAutomation/callbackEvents';
import { participantIdOf } from '../../shared/callAutomation/participantIdentity';
import { createAppServices } from '../../shared/composition/createAppServices';
import type { TableClients } from '../../shared/storage/tableClients';
import { movableClock, type MovableClock } from '../support/movableClock';
import { tablesOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';

/*
 * Collected tones are kept CALL_RESULT_TTL_HOURS and no longer, read or not: the service in-process on Azurite
 * and the emulator, with a clock the test moves instead of waiting a day, and the sweep the timer function
 * runs called as it would call it. The callbacks are handed to the receiver as the callback route would (its
 * JWT check is the route's, tested end to end elsewhere).
 */
let stack: TestStack;
let automation: CallAutomation;
let tables: TableClients;
let clock: MovableClock;
const organizer: Caller = { subjectId: `olive-${randomUUID()}`, roles: ['pstn'], isAdmin: false };

beforeAll(async () => {
  stack = await startTestStack();
  clock = movableClock();
  const config = stack.config({
    CALLBACK_BASE_URL: 'http://127.0.0.1:9',
    CALL_AUTOMATION_AUDIENCE: stack.emulator.resourceId,
    CALL_AUTOMATION_JWKS_URL: stack.emulator.callbackJwksUrl,
    TOKEN_CACHE_KEY: Buffer.alloc(32, 3).toString('base64'),
    CALL_RESULT_TTL_HOURS: '2',
  });
  const services = createAppServices(config, { clock: clock.now });
  await services.ready();
  automation = services.callAutomation!;
  tables = tablesOf(config);
  // The room call itself is made by the call service.
  const call = await services.calls.create(organizer, { kind: 'room' });
  callId = call.id;
});
afterAll(() => stack?.close());

let callId = '';

const events = (...list: Array<{ type: string; data: Record<string, unknown> }>) =>
  callbackEventsSchema.parse(
    list.map(({ type, data }) => ({
      id: randomUUID(),
      source: 'calling/callConnections/x',
      type: `Microsoft.Communication.${type}`,
      specversion: '1.0',
      data,
    })),
  );

/** Connects the call once, adds a phone, and has ACS report the tones it collected: the operation's id. */
async function collectTones(phoneNumber: string, tones: string[]): Promise<string> {
  if (!(await tables.CallAutomation.getEntity(callId, 'connection').catch(() => undefined))) {
    await automation.service.connect(organizer, callId);
  }
  const { bindingId, callConnectionId } = await tables.CallAutomation.getEntity<{
    bindingId: string;
    callConnectionId: string;
  }>(callId, 'connection');
  const deliver = async (type: string, data: Record<string, unknown>) =>
    automation.callbacks.receive(callId, bindingId, events({ type, data: { callConnectionId, ...data } }));
  await deliver('CallConnected', {});
  await automation.service.addParticipant(organizer, callId, { phoneNumber });
  sequence += 1;
  await deliver('ParticipantsUpdated', {
    sequenceNumber: sequence,
    participants: [...phones, phoneNumber].map((number) => ({ identifier: { rawId: `4:${number}` } })),
  });
  phones.push(phoneNumber);
  const listening = await automation.service.recognize(organizer, callId, {
    participantId: participantIdOf(callId, `4:${phoneNumber}`),
    dtmf: { maxTones: tones.length },
  });
  const tally = await deliver('RecognizeCompleted', {
    operationContext: listening.operationId,
    recognitionType: 'dtmf',
    dtmfResult: { tones },
    resultInformation: { code: 200, subCode: 8531 },
  });
  expect(tally).toEqual({ applied: 1, unchanged: 0, duplicates: 0, ignored: 0 });
  return listening.operationId;
}
let sequence = 0;
const phones: string[] = [];

/** The columns of the operation's row that hold (or would hold) its sealed result. */
const resultColumnsOf = async (operationId: string) =>
  Object.keys(
    await tables.CallAutomation.getEntity<Record<string, unknown>>(callId, `op_${operationId}`),
  ).filter((key) => key.startsWith('result') && key !== 'resultInformation');

const expiryEntries = async () => {
  const entries: string[] = [];
  for await (const row of tables.CallResultExpiry.listEntities()) entries.push(String(row.rowKey));
  return entries;
};

describe('collected tones', () => {
  it('are shown to the organizer until CALL_RESULT_TTL_HOURS, then erased', async () => {
    const operationId = await collectTones('+14255550161', ['four', 'two', 'four', 'two']);

    clock.advance(2 * 60 * 60 * 1000 - 60_000);
    expect(await automation.service.getOperation(organizer, callId, operationId)).toMatchObject({
      status: 'succeeded',
      result: { tones: ['4', '2', '4', '2'] },
    });

    clock.advance(120_000);
    const expired = await automation.service.getOperation(organizer, callId, operationId);
    expect(expired).toMatchObject({ status: 'succeeded', resultInformation: { subCode: 8531 } });
    expect(expired.result).toBeUndefined();
    expect(await resultColumnsOf(operationId)).toEqual([]);
    // Its index entry goes at the next sweep, which finds nothing left to erase.
    expect(await expiryEntries()).toContain(`${callId}_${operationId}`);
    expect(await automation.results.sweep()).toMatchObject({ erased: 0, kept: 0 });
    expect(await expiryEntries()).not.toContain(`${callId}_${operationId}`);
  });

  it('that nobody reads are erased by the sweep once CALL_RESULT_TTL_HOURS passed, and not before', async () => {
    const operationId = await collectTones('+14255550162', ['one', 'nine']);
    expect(await resultColumnsOf(operationId)).not.toEqual([]);

    clock.advance(2 * 60 * 60 * 1000 - 60_000);
    expect(await automation.results.sweep()).toEqual({ erased: 0, forgotten: 0, kept: 0 });
    expect(await resultColumnsOf(operationId)).not.toEqual([]);

    clock.advance(120_000);
    expect(await automation.results.sweep()).toEqual({ erased: 1, forgotten: 1, kept: 0 });
    expect(await resultColumnsOf(operationId)).toEqual([]);
    expect(await expiryEntries()).toEqual([]);
    // The rest of the operation stays, and the organizer reads it without the tones.
    const read = await automation.service.getOperation(organizer, callId, operationId);
    expect(read).toMatchObject({ status: 'succeeded', resultInformation: { subCode: 8531 } });
    expect(read.result).toBeUndefined();
    // Again: nothing to do.
    expect(await automation.results.sweep()).toEqual({ erased: 0, forgotten: 0, kept: 0 });
  });
});
