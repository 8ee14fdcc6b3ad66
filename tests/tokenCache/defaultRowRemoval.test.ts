import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import { validateAtEmulator } from '../calls/support/acsChecks';
import { identityStoreOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';
import { startWireHold, tablesThrough, type WireHold } from '../support/wireHold';

/*
 * The default identity leaving the subject (removed by them, unlinked by an admin, erased with them) while
 * tokens are cached in the subject's default row: afterwards the row never serves a token of it.
 */

let stack: TestStack;
let tableWire: WireHold;

beforeAll(async () => {
  stack = await startTestStack();
  tableWire = await startWireHold(
    new URL(/TableEndpoint=([^;]+)/.exec(stack.tables.connectionString)?.[1] ?? '').origin,
  );
});
afterEach(() => tableWire.clear());
afterAll(async () => {
  await tableWire.close();
  await stack.close();
});

let subjects = 0;
const newCaller = (): Caller => ({ subjectId: `leaving-${++subjects}`, roles: [], isAdmin: false });

async function heldServices(): Promise<AppServices> {
  const services = createAppServices(
    stack.config({
      TOKEN_CACHE_KEY: randomBytes(32).toString('base64'),
      TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
      TABLES_CONNECTION_STRING: tablesThrough(stack.tables.connectionString, tableWire),
    }),
  );
  await services.ready();
  return services;
}

const validate = (token: string) => validateAtEmulator(stack.emulator.url, token);
const chat = { scopes: ['chat' as const] };

type Leave = (services: AppServices, subjectId: string, communicationUserId: string) => Promise<void>;
const removes: Leave = (services, subjectId, id) => services.identities.removeIdentity(subjectId, id);
const unlinks: Leave = (services, subjectId, id) =>
  services.identities.unlink({ actor: 'admin-1', communicationUserId: id, subjectId });
// [how it leaves, whether the subject has a second identity to become the default]
const ways: Array<[string, Leave, boolean]> = [
  ['the user removes it, a second identity becomes the default', removes, true],
  ['an admin unlinks it (it survives), a second identity becomes the default', unlinks, true],
  ['an admin unlinks it (it survives), the next token request creates a new default', unlinks, false],
];

describe('the default identity leaves while a miss caches a token into its row', () => {
  it.each(ways)('%s: the row does not stay on it', async (_name, leave, withSecond) => {
    const services = await heldServices();
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    const second = withSecond ? await services.identities.addIdentity(caller.subjectId, 'second') : undefined;
    const subjectsTable = `${services.config.tables.namePrefix}Subjects()`;
    // The removal's read of the subject's partition (the default row as it was, E1) is held...
    const subjectRead = tableWire.hold(
      ({ method, path }) => method === 'GET' && path.includes(subjectsTable),
      'response',
    );

    const leaving = leave(services, caller.subjectId, first.communicationUserId);
    await subjectRead.arrived;
    // ...while a miss of the same subject reads E1 too, and caches its token into the row (E1 -> E2).
    const cachedMeanwhile = await services.tokens.issueForCaller(caller, chat);
    subjectRead.release();
    await leaving;

    const row = await identityStoreOf(services.config).readDefault(caller.subjectId);
    expect(row?.value.communicationUserId).not.toBe(first.communicationUserId);
    const after = await services.tokens.issueForCaller(caller, {});
    const afterChat = await services.tokens.issueForCaller(caller, chat);
    expect(after.communicationUserId).not.toBe(first.communicationUserId);
    if (second) expect(after.communicationUserId).toBe(second.communicationUserId);
    expect(afterChat.token).not.toBe(cachedMeanwhile.token);
    for (const issued of [after, afterChat])
      expect(await validate(issued.token)).toMatchObject({ valid: true });
  });
});

describe('erasure', () => {
  it('a failure part-way leaves nothing servable; the retry finishes', async () => {
    const services = await heldServices();
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    // One call makes 1 + ACS_MAX_RETRIES (3) attempts: four faults fail the deletion of the identity.
    stack.emulator.injectFaults({ count: 4, status: 503, operation: 'deleteIdentity' });

    await expect(services.erasure.eraseSubject(caller.subjectId)).rejects.toMatchObject({ status: 503 });

    expect(await identityStoreOf(services.config).readDefault(caller.subjectId)).toBeUndefined();
    const meanwhile = await services.tokens.issueForCaller(caller, {});
    expect(meanwhile.communicationUserId).not.toBe(first.communicationUserId);
    await services.erasure.eraseSubject(caller.subjectId);
    expect(await validate(first.token)).toMatchObject({ valid: false, reason: 'identityDeleted' });
    expect(await validate(meanwhile.token)).toMatchObject({ valid: false, reason: 'identityDeleted' });
    expect(await services.identities.listForSubject(caller.subjectId)).toEqual([]);
  });
});
