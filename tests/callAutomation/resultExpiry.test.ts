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
 * Collected tones are kept CALL_RESULT_TTL_HOURS and no longer: the service in-process on Azurite and the
 * emulator, with a clock the test moves instead of waiting a day. The callbacks are handed to the receiver
 * as the callback route would (its JWT check is the route's, tested end to end elsewhere).
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

describe('collected tones', () => {
  it('are shown to the organizer until CALL_RESULT_TTL_HOURS, then erased', async () => {
    await automation.service.connect(organizer, callId);
    const row = await tables.CallAutomation.getEntity<{ bindingId: string; callConnectionId: string }>(
      callId,
      'connection',
    );
    const { bindingId, callConnectionId } = row;
    await automation.callbacks.receive(
      callId,
      bindingId,
      events({ type: 'CallConnected', data: { callConnectionId } }),
    );
    await automation.service.addParticipant(organizer, callId, { phoneNumber: '+14255550161' });
    await automation.callbacks.receive(
      callId,
      bindingId,
      events({
        type: 'ParticipantsUpdated',
        data: {
          callConnectionId,
          sequenceNumber: 1,
          participants: [{ identifier: { rawId: '4:+14255550161' } }],
        },
      }),
    );
    const listening = await automation.service.recognize(organizer, callId, {
      participantId: participantIdOf(callId, '4:+14255550161'),
      dtmf: { maxTones: 4 },
    });
    const tally = await automation.callbacks.receive(
      callId,
      bindingId,
      events({
        type: 'RecognizeCompleted',
        data: {
          callConnectionId,
          operationContext: listening.operationId,
          recognitionType: 'dtmf',
          dtmfResult: { tones: ['four', 'two', 'four', 'two'] },
          resultInformation: { code: 200, subCode: 8531 },
        },
      }),
    );
    expect(tally).toEqual({ applied: 1, unchanged: 0, duplicates: 0, ignored: 0 });

    clock.advance(2 * 60 * 60 * 1000 - 60_000);
    expect(await automation.service.getOperation(organizer, callId, listening.operationId)).toMatchObject({
      status: 'succeeded',
      result: { tones: ['4', '2', '4', '2'] },
    });

    clock.advance(120_000);
    const expired = await automation.service.getOperation(organizer, callId, listening.operationId);
    expect(expired).toMatchObject({ status: 'succeeded', resultInformation: { subCode: 8531 } });
    expect(expired.result).toBeUndefined();
    const erased = await tables.CallAutomation.getEntity<Record<string, unknown>>(
      callId,
      `op_${listening.operationId}`,
    );
    expect(
      Object.keys(erased).filter((key) => key.startsWith('result') && key !== 'resultInformation'),
    ).toEqual([]);
  });
});
