import { randomUUID } from 'node:crypto';
import {
  AcsTrustedServiceError,
  createAcsTrustedClient,
  createTokenCredential,
  isAcsTrustedServiceError,
  type AcsTrustedClient,
} from 'acs-trusted-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emulatorControl } from '../e2e/emulatorControl.js';
import { startLocalService, type LocalService } from '../support/localService.js';

let service: LocalService;
let emulator: ReturnType<typeof emulatorControl>;

beforeAll(async () => {
  // The service passes ACS's 429 on as its own 503 with Retry-After, instead of waiting it out.
  service = await startLocalService({ ACS_MAX_RETRIES: '0', TOKEN_RATE_LIMIT_PER_MINUTE: '5' });
  emulator = emulatorControl(service.emulatorUrl!);
});
afterAll(() => service.stop());

/** A client as an app builds one: the service's URL, and the signed-in user's bearer token. */
async function clientOf(
  subject: string,
  options: Partial<Parameters<typeof createAcsTrustedClient>[0]> = {},
): Promise<AcsTrustedClient> {
  const bearer = await service.signIn(subject);
  return createAcsTrustedClient({ baseUrl: service.url, getBearerToken: () => bearer, ...options });
}

async function problemOf(promise: Promise<unknown>): Promise<AcsTrustedServiceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AcsTrustedServiceError);
  return error as AcsTrustedServiceError;
}

describe('the typed client against the running service', () => {
  it('gets a token with exactly the scopes asked for, which ACS accepts', async () => {
    const alice = await clientOf('client-alice');
    const issued = await alice.issueToken({ body: { scopes: ['chat', 'voip'], expiresInMinutes: 60 } });
    expect(issued.scopes).toEqual(['chat', 'voip']);
    const verdict = await emulator.validate(issued.token);
    expect(verdict).toMatchObject({ valid: true, communicationUserId: issued.communicationUserId });
    expect(verdict.scopes?.sort()).toEqual(['chat', 'voip']);

    const { identities } = await alice.listMyIdentities();
    expect(identities.map((identity) => identity.communicationUserId)).toEqual([issued.communicationUserId]);
  });

  it('throws problem+json answers as typed errors with their stable code', async () => {
    const bob = await clientOf('client-bob');
    const invalid = await problemOf(bob.issueToken({ body: { expiresInMinutes: 59 } }));
    expect(invalid).toMatchObject({ status: 400, code: 'ValidationFailed', operation: 'issueToken' });
    expect(invalid.errors.map((error) => error.path)).toContain('/expiresInMinutes');

    const alice = await clientOf('client-alice');
    const { communicationUserId } = await alice.issueToken();
    const notLinked = await problemOf(bob.issueToken({ body: { communicationUserId } }));
    expect(isAcsTrustedServiceError(notLinked, 'IdentityNotLinked')).toBe(true);
    expect(notLinked.status).toBe(403);

    const missing = await problemOf(bob.getCall({ params: { id: randomUUID() } }));
    expect(missing.status).toBe(404);

    const anonymous = createAcsTrustedClient({ baseUrl: service.url, getBearerToken: () => undefined });
    expect((await problemOf(anonymous.listMyIdentities())).status).toBe(401);
  });

  it('walks contacts and a call: request, accept, the callee’s identity, invite, join', async () => {
    const carol = await clientOf('client-carol');
    const dave = await clientOf('client-dave');
    const daveIdentity = (await dave.issueToken()).communicationUserId;

    await carol.requestContact({ body: { subjectId: 'client-dave', displayName: 'Carol' } });
    const daveLists = await dave.listMyContacts();
    expect(daveLists.incoming.map((request) => request.subjectId)).toEqual(['client-carol']);
    await dave.acceptContact({ params: { subjectId: 'client-carol' }, body: { displayName: 'Dave' } });
    const carolLists = await carol.listMyContacts();
    expect(carolLists.contacts).toEqual([
      expect.objectContaining({ subjectId: 'client-dave', communicationUserId: daveIdentity }),
    ]);

    const call = await carol.createCall({
      body: { kind: 'group', title: 'Stand-up', invitees: ['client-dave'] },
    });
    const { calls } = await dave.listCalls({ query: { limit: 10 } });
    expect(calls.map((listed) => listed.id)).toContain(call.id);
    const joined = await dave.joinCall({ params: { id: call.id } });
    expect(joined).toMatchObject({ communicationUserId: daveIdentity, scopes: ['voip'] });
    expect(joined.call.groupCallId).toBe(call.groupCallId);
    expect((await emulator.validate(joined.token)).valid).toBe(true);
  });

  it('waits out a 503’s Retry-After and succeeds, within its bounds', async () => {
    const waits: number[] = [];
    const erin = await clientOf('client-erin', {
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
      },
    });
    await emulator.injectFaults({ operation: 'createIdentity', status: 429, retryAfterSeconds: 2, count: 1 });
    const issued = await erin.issueToken();
    expect(waits).toEqual([2000]);
    expect((await emulator.validate(issued.token)).valid).toBe(true);
  });

  it('gives up at once when Retry-After is longer than it may wait, and after its retries otherwise', async () => {
    const waits: number[] = [];
    const sleep = async (milliseconds: number) => {
      waits.push(milliseconds);
    };
    const frank = await clientOf('client-frank', { sleep, retry: { maxDelaySeconds: 5 } });
    await emulator.injectFaults({
      operation: 'createIdentity',
      status: 429,
      retryAfterSeconds: 30,
      count: 1,
    });
    const tooLong = await problemOf(frank.issueToken());
    expect(tooLong).toMatchObject({ status: 503, retryAfterSeconds: 30 });
    expect(waits).toEqual([]);

    const grace = await clientOf('client-grace', { sleep, retry: { maxRetries: 2 } });
    await emulator.injectFaults({ operation: 'createIdentity', status: 429, retryAfterSeconds: 1, count: 3 });
    const exhausted = await problemOf(grace.issueToken());
    expect(exhausted).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(waits).toEqual([1000, 1000]);
    // The fault queue is spent: the next request succeeds.
    expect((await grace.issueToken()).token).toMatch(/^ey/);
  });
});

/** A token the app already holds, about to expire: the credential reads only its `exp`. */
function heldTokenExpiringIn(seconds: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ exp: Math.floor(Date.now() / 1000) + seconds })}.`;
}

describe('createTokenCredential', () => {
  it('feeds the ACS SDK credential from POST /api/token, with exactly the scopes asked for', async () => {
    const heidi = await clientOf('client-heidi');
    const credential = createTokenCredential(heidi, { scopes: ['voip'], expiresInMinutes: 60 });
    try {
      const first = await credential.getToken();
      expect(await emulator.validate(first.token)).toMatchObject({ valid: true, scopes: ['voip'] });
      expect(first.expiresOnTimestamp - Date.now()).toBeLessThanOrEqual(60 * 60_000);
      expect((await credential.getToken()).token).toBe(first.token);
    } finally {
      credential.dispose();
    }
  });

  it('refreshes before the token it holds expires, so a call never meets an expired token', async () => {
    const ivan = await clientOf('client-ivan');
    const held = heldTokenExpiringIn(2);
    const credential = createTokenCredential(ivan, { scopes: ['voip'], initialToken: held });
    try {
      expect((await credential.getToken()).token).toBe(held);
      // Halfway through what is left, the credential asks the service on its own.
      await vi.waitFor(async () => expect((await credential.getToken()).token).not.toBe(held), {
        timeout: 5_000,
        interval: 100,
      });
      const refreshed = await credential.getToken();
      expect(await emulator.validate(refreshed.token)).toMatchObject({ valid: true, scopes: ['voip'] });
    } finally {
      credential.dispose();
    }
  });
});
