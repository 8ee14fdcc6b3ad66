import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import { callbackEventsSchema } from '../../shared/callAutomation/callbackEvents';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import { tablesOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';

/*
 * DELETE /api/me reaches what Call Automation wrote about a subject: the people on a call (participant
 * rows), who asked for an operation, the connection's organizer. The service in-process on Azurite and the
 * emulator; the organizer's and the invitee's names are searched for in every column of every row.
 */
let stack: TestStack;
let services: AppServices;
const organizer: Caller = { subjectId: `olga-${randomUUID()}`, roles: ['pstn'], isAdmin: false };
const invitee: Caller = { subjectId: `ivan-${randomUUID()}`, roles: [], isAdmin: false };

beforeAll(async () => {
  stack = await startTestStack();
  services = createAppServices(
    stack.config({
      CALLBACK_BASE_URL: 'http://127.0.0.1:9',
      CALL_AUTOMATION_AUDIENCE: stack.emulator.resourceId,
      CALL_AUTOMATION_JWKS_URL: stack.emulator.callbackJwksUrl,
      TOKEN_CACHE_KEY: Buffer.alloc(32, 5).toString('base64'),
    }),
  );
  await services.ready();
});
afterAll(() => stack?.close());

async function rowsNaming(subjectId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const row of tablesOf(services.config).CallAutomation.listEntities<Record<string, unknown>>()) {
    if (Object.values(row).some((value) => value === subjectId)) found.push(String(row.rowKey));
  }
  return found;
}

describe('erasing a subject', () => {
  it('leaves no Call Automation row naming them, as invitee or as organizer', async () => {
    await services.identities.defaultIdentity(invitee.subjectId);
    const call = await services.calls.create(organizer, { kind: 'group', invitees: [invitee.subjectId] });
    const automation = services.callAutomation!;
    await automation.service.connect(organizer, call.id);
    // ACS says the connection is up (as the callback route would hand it over).
    const connection = await tablesOf(services.config).CallAutomation.getEntity<{
      bindingId: string;
      callConnectionId: string;
    }>(call.id, 'connection');
    await automation.callbacks.receive(
      call.id,
      connection.bindingId,
      callbackEventsSchema.parse([
        {
          id: randomUUID(),
          source: 'calling/callConnections/x',
          type: 'Microsoft.Communication.CallConnected',
          specversion: '1.0',
          data: { callConnectionId: connection.callConnectionId },
        },
      ]),
    );
    await automation.service.addParticipant(organizer, call.id, { subjectId: invitee.subjectId });
    expect(await rowsNaming(invitee.subjectId)).not.toEqual([]);
    expect(await rowsNaming(organizer.subjectId)).not.toEqual([]);

    await services.erasure.eraseSubject(invitee.subjectId);
    expect(await rowsNaming(invitee.subjectId)).toEqual([]);

    await services.erasure.eraseSubject(organizer.subjectId);
    expect(await rowsNaming(organizer.subjectId)).toEqual([]);
    // The operations are still there for what they did, without who asked.
    const operations: Array<Record<string, unknown>> = [];
    for await (const row of tablesOf(services.config).CallAutomation.listEntities<
      Record<string, unknown>
    >()) {
      if (String(row.rowKey).startsWith('op_')) operations.push(row);
    }
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.every((row) => row.requestedBy === '(erased)')).toBe(true);
  });
});
