import { identityStoreOf } from '../support/storageOf';
import { systemClock } from '../../shared/time/clock';
import { realSleep } from '../../shared/time/sleep';
import { randomBytes } from 'node:crypto';
import { TableClient, type TableEntityResult } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcsClientFactory } from '../../shared/acs/acsClientFactory';
import { createAcsIdentityGateway } from '../../shared/acs/acsIdentityGateway';
import { startAzuriteTables } from '../../local/azurite/startAzuriteTables';
import type { Caller } from '../../shared/auth/caller';
import type { AppDependencies, AppServices } from '../../shared/composition/appServices';
import type { AcsScope } from '../../shared/config/acsScopes';
import { createAppServices } from '../../shared/composition/createAppServices';
import { tableKey } from '../../shared/storage/tableKey';
import { createTableTokenCache } from '../../shared/tokens/tableTokenCache';
import { tokenCacheKeyLoader } from '../../shared/tokens/tokenCacheKeyLoader';
import { createTokenService } from '../../shared/tokens/tokenService';
import { startKeyVaultTestServer, type KeyVaultTestServer } from '../support/keyVaultTestServer';
import { movableClock } from '../support/movableClock';
import { startTestStack, uniqueTablePrefix, type TestStack } from '../support/testStack';

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

const newCacheKey = () => randomBytes(32).toString('base64');
let subjects = 0;
const newCaller = (isAdmin = false): Caller => ({
  subjectId: `cache-user-${++subjects}`,
  roles: [],
  isAdmin,
});

async function servicesWith(settings: Record<string, string> = {}, dependencies: AppDependencies = {}) {
  const config = stack.config({
    TOKEN_CACHE_KEY: newCacheKey(),
    TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
    ...settings,
  });
  const services = createAppServices(config, dependencies);
  await services.ready();
  return services;
}

const issues = () => stack.emulator.requestCount('issueAccessToken');

/**
 * A token for the caller's default identity named explicitly: those are cached in the TokenCache table
 * (tokens asked for without an identity are cached in the default row: see defaultRowTokens.test.ts).
 */
async function explicitly(
  tokens: Pick<AppServices['tokens'], 'issueForCaller'>,
  identities: Pick<AppServices['identities'], 'defaultIdentity'>,
  caller: Caller,
  request: { scopes?: AcsScope[]; expiresInMinutes?: number } = {},
) {
  const communicationUserId = await identities.defaultIdentity(caller.subjectId);
  return tokens.issueForCaller(caller, { ...request, communicationUserId });
}

async function validate(token: string): Promise<{ valid: boolean; reason?: string }> {
  const response = await fetch(new URL(':validateToken', stack.emulator.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return (await response.json()) as { valid: boolean; reason?: string };
}

function cacheTable(prefix: string, connectionString = stack.tables.connectionString): TableClient {
  return TableClient.fromConnectionString(connectionString, `${prefix}TokenCache`, {
    allowInsecureConnection: true,
  });
}

async function rows(prefix: string): Promise<TableEntityResult<Record<string, unknown>>[]> {
  const all: TableEntityResult<Record<string, unknown>>[] = [];
  for await (const row of cacheTable(prefix).listEntities<Record<string, unknown>>()) all.push(row);
  return all;
}

describe('encrypted token cache', () => {
  it('serves the same token again without asking ACS', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    const before = issues();

    const second = await services.tokens.issueForCaller(caller, {});

    expect(second).toEqual(first);
    expect(issues()).toBe(before);
  });

  it('stores no token, nor any part of one, in any column', async () => {
    const services = await servicesWith();
    const { token } = await explicitly(services.tokens, services.identities, newCaller(), {
      scopes: ['chat', 'voip'],
    });
    const secrets = [token, ...token.split('.')];

    const stored = await rows(services.config.tables.namePrefix);
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      for (const [, value] of Object.entries(row)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
        const decoded = typeof value === 'string' ? Buffer.from(value, 'base64').toString('latin1') : '';
        for (const secret of secrets) {
          expect(text).not.toContain(secret);
          expect(decoded).not.toContain(secret);
        }
      }
    }
    expect(stored[0]).toMatchObject({
      rowKey: 'chat,voip',
      v: 1,
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });

  it('misses when the request asks for a shorter expiry than the cached token has', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const long = await services.tokens.issueForCaller(caller, {});
    const before = issues();

    const short = await services.tokens.issueForCaller(caller, { expiresInMinutes: 60 });

    expect(short.token).not.toBe(long.token);
    expect(issues()).toBe(before + 1);
    expect(Date.parse(short.expiresOn)).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1_000);
  });

  it('misses when less than the minimum lifetime is left', async () => {
    let offsetMs = 0;
    const services = await servicesWith({}, { clock: () => new Date(Date.now() + offsetMs) });
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, { expiresInMinutes: 60 });

    offsetMs = 29 * 60_000; // 31 minutes left
    expect((await services.tokens.issueForCaller(caller, { expiresInMinutes: 60 })).token).toBe(first.token);
    offsetMs = 31 * 60_000; // 29 minutes left
    const before = issues();
    expect((await services.tokens.issueForCaller(caller, { expiresInMinutes: 60 })).token).not.toBe(
      first.token,
    );
    expect(issues()).toBe(before + 1);
  });

  it('keys entries by scope set: another set misses, another order hits', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const both = await services.tokens.issueForCaller(caller, { scopes: ['chat', 'voip'] });
    const before = issues();

    expect((await services.tokens.issueForCaller(caller, { scopes: ['voip', 'chat'] })).token).toBe(
      both.token,
    );
    expect(issues()).toBe(before);
    expect((await services.tokens.issueForCaller(caller, { scopes: ['chat'] })).token).not.toBe(both.token);
    expect(issues()).toBe(before + 1);
  });

  it('is off without a key: nothing cached, every request reaches ACS', async () => {
    const services = await servicesWith({ TOKEN_CACHE_KEY: '' });
    expect(services.config.tokens.cacheKey).toEqual({ kind: 'none' });
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    const before = issues();

    expect((await services.tokens.issueForCaller(caller, {})).token).not.toBe(first.token);
    expect(issues()).toBe(before + 1);
    expect(await rows(services.config.tables.namePrefix)).toEqual([]);
  });
});

describe('what invalidates the cache', () => {
  it('revoke: the next request misses, and the old token is invalid at ACS', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const old = await services.tokens.issueForCaller(caller, {});

    await services.tokens.revokeForCaller(caller);
    const fresh = await services.tokens.issueForCaller(caller, {});

    expect(fresh.token).not.toBe(old.token);
    expect(await validate(old.token)).toEqual({ valid: false, reason: 'revoked' });
    expect(await validate(fresh.token)).toMatchObject({ valid: true });
  });

  it('revoke while a token is being issued: the late store is never served', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const { communicationUserId, token } = await services.tokens.issueForCaller(caller, {
      expiresInMinutes: 60,
    });
    const table = cacheTable(services.config.tables.namePrefix);
    const cache = createTableTokenCache({
      table,
      key: tokenCacheKeyLoader(services.config.tokens.cacheKey, undefined),
      acsKeys: { keyFingerprint: async () => 'fixed' },
      minLifetimeMinutes: 30,
    });
    const latest = new Date(Date.now() + 24 * 3_600_000);

    const lookup = await cache.find(communicationUserId, ['chat'], latest); // a miss: issuing starts
    await cache.invalidate(communicationUserId); // the revoke lands meanwhile
    await lookup.store({ token, expiresOn: new Date(Date.now() + 3_600_000) }); // issuing ends

    expect((await cache.find(communicationUserId, ['chat'], latest)).token).toBeUndefined();
  });

  it('deleting and erasing: nothing sealed is left for the identity', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const { communicationUserId } = await explicitly(services.tokens, services.identities, caller, {});
    const partitionKey = tableKey(communicationUserId);
    const partition = async () =>
      (await rows(services.config.tables.namePrefix)).filter((row) => row.partitionKey === partitionKey);
    expect((await partition()).map((row) => row.rowKey)).toEqual(['voip']);

    await services.identities.eraseSubject(caller.subjectId);

    expect((await partition()).map((row) => row.rowKey)).toEqual(['generation']);
  });

  it('ACS key rotation: entries of the old key are misses once the new key is in use (TTL)', async () => {
    vault.setSecret('acs-connection-string', stack.emulator.connectionString());
    const clock = movableClock();
    const services = await servicesWith(
      { ACS_CONNECTION_STRING: '', KEY_VAULT_URL: vault.url, SECRET_CACHE_TTL_SECONDS: '1' },
      { credential: vault.credential, clock: clock.now },
    );
    const caller = newCaller();
    const old = await services.tokens.issueForCaller(caller, {});

    stack.emulator.rotateAccessKey();
    vault.setSecret('acs-connection-string', stack.emulator.connectionString());
    clock.advance(1_100);
    const fresh = await services.tokens.issueForCaller(caller, {});

    expect(fresh.token).not.toBe(old.token);
    expect(await validate(old.token)).toEqual({ valid: false, reason: 'keyRotated' });
    expect(await validate(fresh.token)).toMatchObject({ valid: true });
  });

  it('ACS key rotation: entries of the old key are misses once any call met a 401 (long TTL)', async () => {
    vault.setSecret('acs-connection-string', stack.emulator.connectionString());
    const services = await servicesWith(
      { ACS_CONNECTION_STRING: '', KEY_VAULT_URL: vault.url, SECRET_CACHE_TTL_SECONDS: '300' },
      { credential: vault.credential },
    );
    const caller = newCaller();
    const old = await services.tokens.issueForCaller(caller, { scopes: ['voip'] });

    stack.emulator.rotateAccessKey();
    vault.setSecret('acs-connection-string', stack.emulator.connectionString());
    await services.tokens.issueForCaller(caller, { scopes: ['chat'] }); // a miss: ACS 401, key read again
    const fresh = await services.tokens.issueForCaller(caller, { scopes: ['voip'] });

    expect(fresh.token).not.toBe(old.token);
    expect(await validate(fresh.token)).toMatchObject({ valid: true });
  });

  it('a new cache key: old entries are misses, and are overwritten', async () => {
    const prefix = uniqueTablePrefix();
    const before = await servicesWith({ TABLE_NAME_PREFIX: prefix });
    const after = await servicesWith({ TABLE_NAME_PREFIX: prefix });
    const caller = newCaller();
    const old = await explicitly(before.tokens, before.identities, caller, {});
    const [oldRow] = await rows(prefix);
    const issued = issues();

    const fresh = await explicitly(after.tokens, after.identities, caller, {});
    expect(fresh.token).not.toBe(old.token);
    expect(issues()).toBe(issued + 1);
    expect((await explicitly(after.tokens, after.identities, caller, {})).token).toBe(fresh.token);
    const [newRow] = await rows(prefix);
    expect(newRow?.keyId).not.toBe(oldRow?.keyId);
  });

  it('a row moved to another identity or scope set does not open there', async () => {
    const prefix = uniqueTablePrefix();
    const services = await servicesWith({ TABLE_NAME_PREFIX: prefix });
    const alice = newCaller();
    const mallory = newCaller();
    const alicesToken = await explicitly(services.tokens, services.identities, alice, { scopes: ['chat'] });
    const mallorysChat = await explicitly(services.tokens, services.identities, mallory, {
      scopes: ['chat'],
    });
    const table = cacheTable(prefix);
    const aliceRow = await table.getEntity<Record<string, unknown>>(
      tableKey(alicesToken.communicationUserId),
      'chat',
    );
    const copy = (row: Record<string, unknown>, partitionKey: string, rowKey: string) => {
      const { etag: _etag, timestamp: _timestamp, ...properties } = row;
      return table.upsertEntity({ ...properties, partitionKey, rowKey }, 'Replace');
    };

    // Alice's sealed chat token, in Mallory's chat row and in Mallory's voip row.
    await copy(aliceRow, tableKey(mallorysChat.communicationUserId), 'chat');
    await copy(aliceRow, tableKey(mallorysChat.communicationUserId), 'voip');
    const issued = issues();
    const chat = await explicitly(services.tokens, services.identities, mallory, { scopes: ['chat'] });
    const voip = await explicitly(services.tokens, services.identities, mallory, { scopes: ['voip'] });

    expect(chat.token).not.toBe(alicesToken.token);
    expect(voip.token).not.toBe(alicesToken.token);
    expect(issues()).toBe(issued + 2);
  });

  it('a revoked row put back with its columns edited to look current does not open', async () => {
    const prefix = uniqueTablePrefix();
    const services = await servicesWith({ TABLE_NAME_PREFIX: prefix });
    const caller = newCaller();
    const revoked = await explicitly(services.tokens, services.identities, caller, {});
    const partitionKey = tableKey(revoked.communicationUserId);
    const table = cacheTable(prefix);
    const {
      etag: _etag,
      timestamp: _timestamp,
      ...saved
    } = await table.getEntity<Record<string, unknown>>(partitionKey, 'voip');

    await services.tokens.revokeForCaller(caller);
    const { generation } = await table.getEntity<{ generation: string }>(partitionKey, 'generation');
    await table.upsertEntity({ ...saved, partitionKey, rowKey: 'voip', generation }, 'Replace');

    expect((await explicitly(services.tokens, services.identities, caller, {})).token).not.toBe(
      revoked.token,
    );
  });
});

describe('cache failures', () => {
  it('storage down: tokens are still issued, but a revoke fails rather than leave a token servable', async () => {
    const cacheStorage = await startAzuriteTables();
    let closed = false;
    try {
      const services = await servicesWith();
      const config = services.config;
      const table = cacheTable(config.tables.namePrefix, cacheStorage.connectionString);
      await table.createTable();
      const factory = createAcsClientFactory({ connection: config.acs.connection });
      const acs = createAcsIdentityGateway(factory, {
        maxRetries: 0,
        maxDelayMs: 10,
        sleep: realSleep,
        clock: systemClock,
      });
      const tokens = createTokenService({
        acs,
        identities: services.identities,
        store: identityStoreOf(services.config),
        audit: services.audit,
        takeIssuance: async () => 'absent' as const,
        cache: createTableTokenCache({
          table,
          key: tokenCacheKeyLoader(config.tokens.cacheKey, undefined),
          acsKeys: factory,
          minLifetimeMinutes: 30,
          timeoutMs: 500,
        }),
        defaultScopes: ['voip'],
        userAllowedScopes: ['voip'],
        adminAllowedScopes: ['voip'],
      });
      const caller = newCaller();
      const cached = await explicitly(tokens, services.identities, caller, {});
      expect((await explicitly(tokens, services.identities, caller, {})).token).toBe(cached.token);

      await cacheStorage.close();
      closed = true;
      const before = issues();
      const fresh = await explicitly(tokens, services.identities, caller, {});

      expect(fresh.token).not.toBe(cached.token);
      expect(issues()).toBe(before + 1);
      await expect(tokens.revokeForCaller(caller)).rejects.toMatchObject({ status: 503 });
    } finally {
      if (!closed) await cacheStorage.close();
    }
  });

  it('a cache key that cannot be read from Key Vault: every lookup misses, tokens are still issued', async () => {
    const services = await servicesWith(
      { TOKEN_CACHE_KEY: '', KEY_VAULT_URL: vault.url, KEY_VAULT_CACHE_KEY_SECRET_NAME: 'no-such-secret' },
      { credential: vault.credential },
    );
    expect(services.config.tokens.cacheKey).toEqual({ kind: 'keyVault', secretName: 'no-such-secret' });
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    expect((await services.tokens.issueForCaller(caller, {})).token).not.toBe(first.token);
  });

  it('a cache key from Key Vault: hits, and a new key in the vault is picked up', async () => {
    vault.setSecret('token-cache-key', newCacheKey());
    const clock = movableClock();
    const services = await servicesWith(
      { TOKEN_CACHE_KEY: '', KEY_VAULT_URL: vault.url, SECRET_CACHE_TTL_SECONDS: '1' },
      { credential: vault.credential, clock: clock.now },
    );
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    expect((await services.tokens.issueForCaller(caller, {})).token).toBe(first.token);

    vault.setSecret('token-cache-key', newCacheKey());
    clock.advance(1_100);
    expect((await services.tokens.issueForCaller(caller, {})).token).not.toBe(first.token);
  });
});
