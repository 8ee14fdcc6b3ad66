import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import type { AppServices } from '../../shared/composition/appServices';
import { validateAtEmulator } from '../calls/support/acsChecks';
import { identityStoreOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';
import { startStackHolds, type StackHolds } from '../support/stackHolds';
import type { WireRequest } from '../support/wireHold';

/*
 * The token cache against what changes under it: revocations, a first token, the default identity leaving
 * the subject (removed by them, unlinked by an admin, erased with them), each interleaved with token requests
 * in one chosen order, made certain by holding one ACS or Table exchange on the wire (the services are the
 * real ones, wired as in production). Each test fails if the step of the protocol it names is taken out.
 */

let stack: TestStack;
let holds: StackHolds;

beforeAll(async () => {
  stack = await startTestStack();
  holds = await startStackHolds(stack);
});
afterEach(() => holds.clear());
afterAll(async () => {
  await holds.close();
  await stack.close();
});

let subjects = 0;
const newCaller = (): Caller => ({ subjectId: `interleaved-${++subjects}`, roles: [], isAdmin: false });

const acsOperation =
  (operation: ':issueAccessToken' | ':revokeAccessTokens') =>
  ({ method, path }: WireRequest) =>
    method === 'POST' && path.split('?')[0]!.endsWith(operation);

const validate = (token: string) => validateAtEmulator(stack.emulator.url, token);
const chat = { scopes: ['chat' as const] };

describe('a revoke interleaved with token requests', () => {
  it('once ACS has revoked, a request is not served the revoked token, though the revoke has not returned', async () => {
    // The invalidation before ACS revokes: without it, this request is a hit on the revoked token.
    const services = await holds.services();
    const caller = newCaller();
    const revoked = await services.tokens.issueForCaller(caller, {});
    const revokeAnswer = holds.acs.hold(acsOperation(':revokeAccessTokens'), 'response');

    const revoking = services.tokens.revokeForCaller(caller);
    await revokeAnswer.arrived; // ACS has revoked; the service has not heard yet
    const meanwhile = await services.tokens.issueForCaller(caller, {});
    revokeAnswer.release();
    await revoking;

    expect(await validate(revoked.token)).toEqual({ valid: false, reason: 'revoked' });
    expect(meanwhile.token).not.toBe(revoked.token);
    expect(await validate(meanwhile.token)).toMatchObject({ valid: true });
  });

  it('a token ACS issued before it revoked, cached after the revoke returned, is never served', async () => {
    // The invalidation after ACS revokes: without it, the late token lands in the row the miss read
    // (after the first invalidation) and every later request is a hit on a revoked token. The miss asks for
    // a scope set nothing cached yet, so it is a miss whatever the first invalidation did.
    const services = await holds.services();
    const caller = newCaller();
    await services.tokens.issueForCaller(caller, {});
    const revokeRequest = holds.acs.hold(acsOperation(':revokeAccessTokens'), 'request');
    const issueAnswer = holds.acs.hold(acsOperation(':issueAccessToken'), 'response');

    const revoking = services.tokens.revokeForCaller(caller);
    await revokeRequest.arrived; // the row is reset; ACS has not revoked yet
    const missing = services.tokens.issueForCaller(caller, chat);
    await issueAnswer.arrived; // ACS issued the token; the miss has not stored it yet
    revokeRequest.release();
    await revoking;
    issueAnswer.release();
    const late = await missing;

    expect(await validate(late.token)).toEqual({ valid: false, reason: 'revoked' });
    const after = await services.tokens.issueForCaller(caller, chat);
    expect(after.token).not.toBe(late.token);
    expect(await validate(after.token)).toMatchObject({ valid: true });
  });

  it('a revoke during the first token (the identity named, its reverse link not yet written) is not undone', async () => {
    // Without the revoke resetting the caller's own row, the creation's last step seals the first token,
    // issued before the revoke, into the ready row, and hits serve it.
    const services = await holds.services();
    const caller = newCaller();
    const identitiesTable = `${services.config.tables.namePrefix}Identities`;
    const identityRows = holds.tables.hold(
      ({ method, path, body }) =>
        method === 'POST' && path.endsWith('$batch') && body.includes(identitiesTable),
      'request',
    );
    const store = identityStoreOf(services.config);

    const first = services.tokens.issueForCaller(caller, {});
    await identityRows.arrived;
    // The "created" row is written beside the held identity rows.
    while ((await store.readDefault(caller.subjectId))?.value.state !== 'created') {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await services.tokens.revokeForCaller(caller);
    identityRows.release();
    const firstToken = await first;

    expect(await validate(firstToken.token)).toEqual({ valid: false, reason: 'revoked' });
    const after = await services.tokens.issueForCaller(caller, {});
    expect(after.communicationUserId).toBe(firstToken.communicationUserId);
    expect(after.token).not.toBe(firstToken.token);
    expect(await validate(after.token)).toMatchObject({ valid: true });
  });
});

describe('two first token requests of one new subject', () => {
  it('the one that loses the creation claim is counted once, as a hit or a miss, not both', async () => {
    const services = await holds.services();
    const caller = newCaller();
    const defaultRowRead = ({ method, path }: WireRequest) =>
      method === 'GET' &&
      path.includes(`${services.config.tables.namePrefix}Subjects(`) &&
      path.includes("RowKey='default'");
    // Both read that there is no default row before either claims it: one claim wins, the other waits.
    const firstRead = holds.tables.hold(defaultRowRead, 'response');
    const secondRead = holds.tables.hold(defaultRowRead, 'response');

    const both = Promise.all([
      services.tokens.issueForCaller(caller, {}),
      services.tokens.issueForCaller(caller, {}),
    ]);
    await Promise.all([firstRead.arrived, secondRead.arrived]);
    firstRead.release();
    secondRead.release();
    const [one, other] = await both;

    expect(other.token).toBe(one.token);
    const counts = services.tokenMetrics.snapshot();
    expect(counts).toMatchObject({ acsIssued: 1, cacheHits: 1, cacheMisses: 1 });
  });
});

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
    const services = await holds.services();
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    const second = withSecond ? await services.identities.addIdentity(caller.subjectId, 'second') : undefined;
    const subjectsTable = `${services.config.tables.namePrefix}Subjects()`;
    // The removal's read of the subject's partition (the default row as it was, E1) is held...
    const subjectRead = holds.tables.hold(
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
    const services = await holds.services();
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
