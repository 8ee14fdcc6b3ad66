import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import { callbackEventsSchema } from '../../shared/callAutomation/callbackEvents';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import { tablesOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';

/* An operation the call outlived: ACS says nothing more about it, so the service must not say "pending". */
let stack: TestStack;
let services: AppServices;
const organizer: Caller = { subjectId: `otto-${randomUUID()}`, roles: [], isAdmin: false };

beforeAll(async () => {
  stack = await startTestStack();
  services = createAppServices(
    stack.config({
      CALLBACK_BASE_URL: 'http://127.0.0.1:9',
      CALL_AUTOMATION_AUDIENCE: stack.emulator.resourceId,
      CALL_AUTOMATION_JWKS_URL: stack.emulator.callbackJwksUrl,
      TOKEN_CACHE_KEY: Buffer.alloc(32, 7).toString('base64'),
      PROMPT_ALLOWED_HOSTS: 'media.contoso.com',
    }),
  );
  await services.ready();
});
afterAll(() => stack?.close());

describe('an operation pending when the call ends', () => {
  it('reads as canceled, and one that completed keeps its outcome', async () => {
    const automation = services.callAutomation!;
    await automation.prompts.put('ada', 'hold', { url: 'https://media.contoso.com/hold.wav' });
    const call = await services.calls.create(organizer, { kind: 'group' });
    await automation.service.connect(organizer, call.id);
    const { bindingId, callConnectionId } = await tablesOf(services.config).CallAutomation.getEntity<{
      bindingId: string;
      callConnectionId: string;
    }>(call.id, 'connection');
    const deliver = (type: string, data: Record<string, unknown> = {}) =>
      automation.callbacks.receive(
        call.id,
        bindingId,
        callbackEventsSchema.parse([
          {
            id: randomUUID(),
            source: 'calling/callConnections/x',
            type: `Microsoft.Communication.${type}`,
            specversion: '1.0',
            data: { callConnectionId, ...data },
          },
        ]),
      );
    await deliver('CallConnected');
    const done = await automation.service.play(organizer, call.id, { promptId: 'hold' });
    await deliver('PlayCompleted', { operationContext: done.operationId, resultInformation: { code: 200 } });
    const pending = await automation.service.play(organizer, call.id, { promptId: 'hold' });
    expect((await automation.service.getOperation(organizer, call.id, pending.operationId)).status).toBe(
      'pending',
    );

    await deliver('CallDisconnected');

    expect((await automation.service.getOperation(organizer, call.id, pending.operationId)).status).toBe(
      'canceled',
    );
    expect((await automation.service.getOperation(organizer, call.id, done.operationId)).status).toBe(
      'succeeded',
    );
  });

  it('is ended for everyone when its call is cancelled', async () => {
    const automation = services.callAutomation!;
    const call = await services.calls.create(organizer, { kind: 'group' });
    await automation.service.connect(organizer, call.id);
    const { bindingId, callConnectionId } = await tablesOf(services.config).CallAutomation.getEntity<{
      bindingId: string;
      callConnectionId: string;
    }>(call.id, 'connection');
    await automation.callbacks.receive(
      call.id,
      bindingId,
      callbackEventsSchema.parse([
        {
          id: randomUUID(),
          source: 'calling/callConnections/x',
          type: 'Microsoft.Communication.CallConnected',
          specversion: '1.0',
          data: { callConnectionId },
        },
      ]),
    );
    const terminated = stack.emulator.requestCount('terminateCall');

    await services.calls.cancel(organizer, call.id);

    expect(stack.emulator.requestCount('terminateCall')).toBe(terminated + 1);
    expect((await automation.service.get(organizer, call.id)).state).toBe('disconnecting');
    // Cancelling again changes nothing and asks ACS nothing more.
    await services.calls.cancel(organizer, call.id);
    expect(stack.emulator.requestCount('terminateCall')).toBe(terminated + 1);
  });
});
