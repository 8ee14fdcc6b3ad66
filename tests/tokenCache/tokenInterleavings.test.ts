import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import { validateAtEmulator } from '../calls/support/acsChecks';
import { identityStoreOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';
import {
  acsThrough,
  startWireHold,
  tablesThrough,
  type WireHold,
  type WireRequest,
} from '../support/wireHold';

/*
 * Revocations interleaved with token requests in one chosen order each, made certain by holding one ACS or
 * Table exchange on the wire (the services are the real ones, wired as in production). Each test fails if the
 * step of the protocol it names is taken out.
 */

let stack: TestStack;
let acsWire: WireHold;
let tableWire: WireHold;

beforeAll(async () => {
  stack = await startTestStack();
  acsWire = await startWireHold(stack.emulator.url);
  tableWire = await startWireHold(
    new URL(/TableEndpoint=([^;]+)/.exec(stack.tables.connectionString)?.[1] ?? '').origin,
  );
});
afterEach(() => {
  acsWire.clear();
  tableWire.clear();
});
afterAll(async () => {
  await acsWire.close();
  await tableWire.close();
  await stack.close();
});

let subjects = 0;
const newCaller = (): Caller => ({ subjectId: `interleaved-${++subjects}`, roles: [], isAdmin: false });

async function heldServices(): Promise<AppServices> {
  const services = createAppServices(
    stack.config({
      TOKEN_CACHE_KEY: randomBytes(32).toString('base64'),
      TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
      ACS_CONNECTION_STRING: acsThrough(stack.emulator.connectionString(), acsWire),
      TABLES_CONNECTION_STRING: tablesThrough(stack.tables.connectionString, tableWire),
    }),
  );
  await services.ready();
  return services;
}

const acsOperation =
  (operation: ':issueAccessToken' | ':revokeAccessTokens') =>
  ({ method, path }: WireRequest) =>
    method === 'POST' && path.split('?')[0]!.endsWith(operation);

const validate = (token: string) => validateAtEmulator(stack.emulator.url, token);

describe('a revoke interleaved with token requests', () => {
  it('once ACS has revoked, a request is not served the revoked token, though the revoke has not returned', async () => {
    // The invalidation before ACS revokes: without it, this request is a hit on the revoked token.
    const services = await heldServices();
    const caller = newCaller();
    const revoked = await services.tokens.issueForCaller(caller, {});
    const revokeAnswer = acsWire.hold(acsOperation(':revokeAccessTokens'), 'response');

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
    const services = await heldServices();
    const caller = newCaller();
    await services.tokens.issueForCaller(caller, {});
    const chat = { scopes: ['chat' as const] };
    const revokeRequest = acsWire.hold(acsOperation(':revokeAccessTokens'), 'request');
    const issueAnswer = acsWire.hold(acsOperation(':issueAccessToken'), 'response');

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
    const services = await heldServices();
    const caller = newCaller();
    const identitiesTable = `${services.config.tables.namePrefix}Identities`;
    const identityRows = tableWire.hold(
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
    const services = await heldServices();
    const caller = newCaller();
    const defaultRowRead = ({ method, path }: WireRequest) =>
      method === 'GET' &&
      path.includes(`${services.config.tables.namePrefix}Subjects(`) &&
      path.includes("RowKey='default'");
    // Both read that there is no default row before either claims it: one claim wins, the other waits.
    const firstRead = tableWire.hold(defaultRowRead, 'response');
    const secondRead = tableWire.hold(defaultRowRead, 'response');

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
