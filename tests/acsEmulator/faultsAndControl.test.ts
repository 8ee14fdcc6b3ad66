import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { identityClient, roomsClient } from './acsTestClients';

let emulator: AcsEmulator;

beforeAll(async () => {
  emulator = await startAcsEmulator();
});
afterAll(() => emulator.close());

const control = (path: string, init?: RequestInit) =>
  fetch(new URL(`__emulator/${path}`, emulator.url), init);

describe('fault injection', () => {
  it('answers 429 with Retry-After instead of doing the operation, then recovers', async () => {
    const client = identityClient(emulator.connectionString());
    const before = emulator.identities().length;
    emulator.injectFaults({ count: 1, status: 429, retryAfterSeconds: 7, operation: 'createIdentity' });
    const error = await client.createUser().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'RestError', statusCode: 429, code: 'TooManyRequests' });
    const headers = (error as { response?: { headers: { get(name: string): string | undefined } } }).response
      ?.headers;
    expect(headers?.get('retry-after')).toBe('7');
    expect(emulator.identities()).toHaveLength(before);
    await expect(client.createUser()).resolves.toHaveProperty('communicationUserId');
  });

  it('targets only the named operation and counts every answered request', async () => {
    const client = identityClient(emulator.connectionString());
    const user = await client.createUser();
    emulator.injectFaults({ count: 2, status: 500, operation: 'issueAccessToken' });
    await expect(client.createUser()).resolves.toBeDefined();
    const issuesBefore = emulator.requestCount('issueAccessToken');
    await expect(client.getToken(user, ['chat'])).rejects.toMatchObject({ statusCode: 500 });
    await expect(client.getToken(user, ['chat'])).rejects.toMatchObject({ statusCode: 500 });
    await expect(client.getToken(user, ['chat'])).resolves.toHaveProperty('token');
    expect(emulator.requestCount('issueAccessToken')).toBe(issuesBefore + 3);
    expect(emulator.requestCount()).toBeGreaterThan(emulator.requestCount('issueAccessToken'));
  });

  it('lets the SDK retry through a 503 with Retry-After 0', async () => {
    const client = identityClient(emulator.connectionString());
    const retrying = new CommunicationIdentityClient(emulator.connectionString(), {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 2, retryDelayInMs: 10 },
    });
    const user = await client.createUser();
    const before = emulator.requestCount('revokeAccessTokens');
    emulator.injectFaults({ count: 1, status: 503, retryAfterSeconds: 0, operation: 'revokeAccessTokens' });
    await retrying.revokeTokens(user);
    expect(emulator.requestCount('revokeAccessTokens')).toBe(before + 2);
  });

  it('delays then does the operation when the fault has only delayMs', async () => {
    const client = identityClient(emulator.connectionString());
    emulator.injectFaults({ count: 1, delayMs: 300 });
    const started = Date.now();
    await expect(client.createUser()).resolves.toHaveProperty('communicationUserId');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('with after, does the operation and then answers the fault: the caller sees 503 though it happened', async () => {
    const client = identityClient(emulator.connectionString());
    const before = emulator.identities().length;
    emulator.injectFaults({ count: 1, status: 503, after: true, operation: 'createIdentity' });
    await expect(client.createUser()).rejects.toMatchObject({ statusCode: 503 });
    expect(emulator.identities()).toHaveLength(before + 1);
    expect(() => emulator.injectFaults({ count: 1, after: true })).toThrow();
  });

  it('applies faults to Rooms operations too', async () => {
    const rooms = roomsClient(emulator.connectionString());
    emulator.injectFaults({ count: 1, status: 503, operation: 'createRoom' });
    await expect(rooms.createRoom()).rejects.toMatchObject({ statusCode: 503 });
    await expect(rooms.createRoom()).resolves.toHaveProperty('id');
  });

  it('refuses a fault spec that could never apply', () => {
    expect(() => emulator.injectFaults({ count: 1 })).toThrow();
    expect(() => emulator.injectFaults({ count: 1, status: 500, operation: 'createIdentty' })).toThrow();
  });
});

describe('control over HTTP', () => {
  it('injects faults, lists identities and reports stats', async () => {
    const client = identityClient(emulator.connectionString());
    const faults = await control('faults', {
      method: 'POST',
      body: JSON.stringify({ count: 1, status: 429, retryAfterSeconds: 3, operation: 'deleteIdentity' }),
    });
    expect(faults.status).toBe(204);
    const user = await client.createUser();
    await expect(client.deleteUser(user)).rejects.toMatchObject({ statusCode: 429 });

    const listed = (await (await control('identities')).json()) as { identities: Array<{ id: string }> };
    expect(listed.identities.map((identity) => identity.id)).toContain(user.communicationUserId);
    const stats = (await (await control('stats')).json()) as { requests: Record<string, number> };
    expect(stats.requests['deleteIdentity']).toBe(emulator.requestCount('deleteIdentity'));
    expect(stats.requests['createIdentity']).toBe(emulator.requestCount('createIdentity'));
  });

  it('answers 400 to an invalid fault spec', async () => {
    const response = await control('faults', {
      method: 'POST',
      body: JSON.stringify({ count: 0, status: 418 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'ValidationError' } });
  });
});
