import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import type { Caller } from '../../shared/auth/caller';
import type { AppConfig } from '../../shared/config/appConfig';
import { createAppServices } from '../../shared/composition/createAppServices';
import type { AppServices } from '../../shared/composition/appServices';
import { startKeyVaultTestServer, type KeyVaultTestServer } from '../support/keyVaultTestServer';
import { backToBackLoad } from '../support/backToBackLoad';
import { movableClock, type MovableClock } from '../support/movableClock';
import { startTestStack, type TestStack } from '../support/testStack';

const acsSecretName = 'acs-connection-string';

let stack: TestStack;
let vault: KeyVaultTestServer;

beforeAll(async () => {
  stack = await startTestStack();
  vault = await startKeyVaultTestServer();
});
afterAll(async () => {
  await vault.close();
  await stack.close();
});

const caller = (subjectId: string): Caller => ({ subjectId, roles: [], isAdmin: false });

/**
 * The service as deployed: the ACS connection string only in Key Vault. The token cache is off here,
 * so every request reaches ACS and the rotation is seen there; the cache's own rotation handling is
 * tested in tests/tokenCache.
 */
async function servicesWithVault(ttlSeconds: number, clock?: MovableClock): Promise<AppServices> {
  const loaded = stack.config({
    ACS_CONNECTION_STRING: '',
    KEY_VAULT_URL: vault.url,
    SECRET_CACHE_TTL_SECONDS: String(ttlSeconds),
    TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const config: AppConfig = { ...loaded, tokens: { ...loaded.tokens, cacheKey: { kind: 'none' } } };
  const services = createAppServices(config, {
    credential: vault.credential,
    ...(clock ? { clock: clock.now } : {}),
  });
  await services.ready();
  return services;
}

async function validate(emulator: AcsEmulator, token: string): Promise<{ valid: boolean; reason?: string }> {
  const response = await fetch(new URL(':validateToken', emulator.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return (await response.json()) as { valid: boolean; reason?: string };
}

describe('ACS key rotation without a restart', () => {
  it('keeps issuing through a rotation: ACS 401 -> the secret is read again -> one retry (TTL 300 s)', async () => {
    vault.setSecret(acsSecretName, stack.emulator.connectionString());
    const services = await servicesWithVault(300);
    const callers = Array.from({ length: 20 }, (_, i) => caller(`rotation-${i}`));
    // Each caller's identity exists before the load, so the old key has issued tokens to all of them.
    const warmUp = await Promise.all(callers.map((c) => services.tokens.issueForCaller(c, {})));
    const readsBefore = vault.requestCount('getSecret');

    const load = backToBackLoad(
      20,
      async (worker) => (await services.tokens.issueForCaller(callers[worker] as Caller, {})).token,
    );
    await load.afterEachWorker(2);
    // As an operator would, as fast as possible: regenerate the key, then store it in the vault.
    stack.emulator.rotateAccessKey();
    vault.setSecret(acsSecretName, stack.emulator.connectionString());
    const rotatedAt = load.mark();
    await load.afterEachWorker(3);
    const { done: issued, failures } = await load.stop();

    expect(failures).toEqual([]);
    const before = issued.filter((entry) => entry.endedSeq < rotatedAt);
    const after = issued.filter((entry) => entry.startedSeq > rotatedAt);
    // Requests were in flight when the key changed (each worker loops), and the load went on after it.
    expect(issued.some((entry) => entry.startedSeq < rotatedAt && entry.endedSeq > rotatedAt)).toBe(true);
    expect(after.length).toBeGreaterThan(0);

    const afterVerdicts = await Promise.all(after.map((entry) => validate(stack.emulator, entry.result)));
    expect(afterVerdicts.filter((verdict) => !verdict.valid)).toEqual([]);
    const oldTokens = [...warmUp.map((entry) => entry.token), ...before.map((entry) => entry.result)];
    const beforeVerdicts = await Promise.all(oldTokens.map((token) => validate(stack.emulator, token)));
    expect(new Set(beforeVerdicts.map((verdict) => verdict.reason))).toEqual(new Set(['keyRotated']));

    // The new key came from the 401 path (the TTL is far off), and the 401s shared their reads.
    const refreshReads = vault.requestCount('getSecret') - readsBefore;
    expect(refreshReads).toBeGreaterThanOrEqual(1);
    expect(refreshReads).toBeLessThanOrEqual(20);
  });

  it('picks a rotated secret up within the TTL, before ACS ever rejects the old key', async () => {
    vault.setSecret(acsSecretName, stack.emulator.connectionString());
    const clock = movableClock();
    const services = await servicesWithVault(1, clock);
    const someone = caller('ttl-rotation');
    const { token: oldToken } = await services.tokens.issueForCaller(someone, {});

    stack.emulator.rotateAccessKey();
    vault.setSecret(acsSecretName, stack.emulator.connectionString());
    clock.advance(1_100);
    const attempts = stack.emulator.requestCount('issueAccessToken');
    const { token: newToken } = await services.tokens.issueForCaller(someone, {});

    // Exactly one request reached ACS: it already carried the new key, nothing was rejected and retried.
    expect(stack.emulator.requestCount('issueAccessToken')).toBe(attempts + 1);
    expect(await validate(stack.emulator, newToken)).toMatchObject({ valid: true });
    expect(await validate(stack.emulator, oldToken)).toEqual({ valid: false, reason: 'keyRotated' });
  });

  it('moves to a new secret within the TTL under load, with no failure and no 401 (TTL 1 s)', async () => {
    // Another ACS resource: its key never rejects anything, so only the TTL can move the traffic.
    const other = await startAcsEmulator();
    try {
      vault.setSecret(acsSecretName, stack.emulator.connectionString());
      const clock = movableClock();
      const services = await servicesWithVault(1, clock);
      const fromFirst = stack.emulator.requestCount('createIdentity');
      const load = backToBackLoad(
        5,
        async (worker) =>
          (await services.identities.createServiceIdentity('load', [`ttl-load-${worker}`], 'bot'))
            .communicationUserId,
      );
      await load.afterEachWorker(2);
      vault.setSecret(acsSecretName, other.connectionString());
      clock.advance(1_000);
      // A vault read begun before the switch may still end after it and keep the old value fresh for
      // one more TTL: once every worker has finished a request begun since, no such read is left.
      await load.afterEachWorker(1);
      clock.advance(1_000);
      await load.afterEachWorker(1);
      // From here on, within one TTL of the switch, the first resource must see nothing.
      const firstAfterTtl = stack.emulator.requestCount('createIdentity');
      await load.afterEachWorker(3);
      const { failures } = await load.stop();

      expect(failures).toEqual([]);
      expect(firstAfterTtl).toBeGreaterThan(fromFirst);
      expect(stack.emulator.requestCount('createIdentity')).toBe(firstAfterTtl);
      expect(other.requestCount('createIdentity')).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
