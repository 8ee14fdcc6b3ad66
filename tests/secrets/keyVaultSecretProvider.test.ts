import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../shared/errors/serviceError';
import { createKeyVaultSecretClient } from '../../shared/secrets/keyVaultSecretClient';
import { keyVaultSecretProvider } from '../../shared/secrets/keyVaultSecretProvider';
import {
  startKeyVaultTestServer,
  staticTestCredential,
  type KeyVaultTestServer,
} from '../support/keyVaultTestServer';

let vault: KeyVaultTestServer;
let now: number;
const clock = () => new Date(now);
const ttlMs = 60_000;

beforeAll(async () => {
  vault = await startKeyVaultTestServer();
});
afterAll(() => vault.close());
beforeEach(() => {
  now = 1_000_000;
});

/** A provider over a new real SecretClient, so each test starts with no challenge done and no cache. */
const provider = (options: { credential?: ReturnType<typeof staticTestCredential>; url?: string } = {}) =>
  keyVaultSecretProvider({
    client: createKeyVaultSecretClient(options.url ?? vault.url, options.credential ?? vault.credential),
    ttlMs,
    clock,
  });

const uniqueName = () => `secret-${Math.random().toString(36).slice(2, 10)}`;

async function expectUnavailable(promise: Promise<unknown>, secretValues: string[] = []): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect(error).toMatchObject({ status: 503, code: 'SecretsUnavailable' });
  expect((error as ServiceError).retryAfterSeconds).toBeGreaterThan(0);
  for (const value of secretValues) expect((error as Error).message).not.toContain(value);
}

describe('keyVaultSecretProvider over the real SecretClient', () => {
  it('follows the challenge: one request without a token (401), then the bearer for the vault resource', async () => {
    const name = uniqueName();
    vault.setSecret(name, 'first value');
    const credentialCalls = vault.credential.requests.length;
    const challenges = vault.requestCount('challenge');

    await expect(provider().get(name)).resolves.toBe('first value');

    expect(vault.requestCount('challenge')).toBe(challenges + 1);
    expect(vault.credential.requests.slice(credentialCalls)).toEqual([
      { scopes: ['https://vault.azure.net/.default'], tenantId: vault.tenantId },
    ]);
  });

  it('reads the latest version, and the SDK can write new ones through the same wire', async () => {
    const name = uniqueName();
    const client = createKeyVaultSecretClient(vault.url, vault.credential);
    const first = await client.setSecret(name, 'v1');
    await client.setSecret(name, 'v2');
    expect((await client.getSecret(name)).value).toBe('v2');
    expect((await client.getSecret(name, { version: first.properties.version ?? '' })).value).toBe('v1');
  });

  it('keeps a value for the TTL, then reads it again', async () => {
    const name = uniqueName();
    vault.setSecret(name, 'old');
    const secrets = provider();
    const reads = vault.requestCount('getSecret');

    expect(await secrets.get(name)).toBe('old');
    vault.setSecret(name, 'new');
    now += ttlMs - 1;
    expect(await secrets.get(name)).toBe('old');
    expect(vault.requestCount('getSecret')).toBe(reads + 1);

    now += 2;
    expect(await secrets.get(name)).toBe('new');
    expect(vault.requestCount('getSecret')).toBe(reads + 2);
  });

  it('skips the cached value on refresh', async () => {
    const name = uniqueName();
    vault.setSecret(name, 'old');
    const secrets = provider();
    expect(await secrets.get(name)).toBe('old');
    vault.setSecret(name, 'new');
    expect(await secrets.get(name)).toBe('old');
    expect(await secrets.get(name, { refresh: true })).toBe('new');
    expect(await secrets.get(name)).toBe('new');
  });

  it('shares one request among concurrent callers, refreshing ones included', async () => {
    const name = uniqueName();
    vault.setSecret(name, 'shared');
    const secrets = provider();
    await secrets.get(name); // the challenge, out of the way
    now += ttlMs + 1;
    const reads = vault.requestCount('getSecret');

    const values = await Promise.all([
      ...Array.from({ length: 10 }, () => secrets.get(name)),
      ...Array.from({ length: 10 }, () => secrets.get(name, { refresh: true })),
    ]);

    expect(values).toEqual(Array.from({ length: 20 }, () => 'shared'));
    expect(vault.requestCount('getSecret')).toBe(reads + 1);
  });

  it('does not cache a failed read', async () => {
    const name = uniqueName();
    vault.setSecret(name, 'after the failure');
    const secrets = provider();
    await secrets.get(uniqueName()).catch(() => undefined); // the challenge, out of the way

    vault.failNext(403);
    await expectUnavailable(secrets.get(name));
    await expect(secrets.get(name)).resolves.toBe('after the failure');
  });

  it('answers 503 for a missing secret, a refused token and an unreachable vault, quoting no secret', async () => {
    await expectUnavailable(provider().get(uniqueName()));

    const name = uniqueName();
    vault.setSecret(name, 'top secret value');
    const refused = vault.requestCount('unauthorized');
    await expectUnavailable(provider({ credential: staticTestCredential('not-the-token') }).get(name), [
      'top secret value',
    ]);
    expect(vault.requestCount('unauthorized')).toBeGreaterThan(refused);

    const closed = await startKeyVaultTestServer();
    await closed.close();
    await expectUnavailable(provider({ url: closed.url, credential: closed.credential }).get(name));
  });

  it('serves the last good value while the vault is down, but never on refresh', async () => {
    const name = uniqueName();
    vault.setSecret(name, 'last good');
    const secrets = provider();
    expect(await secrets.get(name)).toBe('last good');

    now += ttlMs + 1;
    vault.failNext(500, 3); // the first try and both of the client's retries
    expect(await secrets.get(name)).toBe('last good');
    vault.failNext(500, 3);
    await expectUnavailable(secrets.get(name, { refresh: true }), ['last good']);

    vault.failNext(200, 0);
    vault.setSecret(name, 'recovered');
    now += 5_001; // the stale value's grace is over: the vault is asked again
    expect(await secrets.get(name)).toBe('recovered');
  });
});

describe('createKeyVaultSecretClient', () => {
  it('allows plain http for a loopback vault only', async () => {
    const remote = createKeyVaultSecretClient('http://kv-example.vault.azure.net/', vault.credential);
    await expect(remote.getSecret('anything')).rejects.toThrow(/allowInsecureConnection/);
  });
});
