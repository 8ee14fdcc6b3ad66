import { randomUUID } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { AcsClientFactory } from '../acs/acsClientFactory';
import type { AcsToken } from '../acs/acsIdentityGateway';
import { systemClock, type Clock } from '../time/clock';
import type { AcsScope } from '../config/acsScopes';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';
import { openEnvelope, sealEnvelope } from '../crypto/aesGcmEnvelope';
import { dependencyUnavailable } from '../errors/serviceError';
import type { IdentityStore } from '../identity/identityStore';
import { asStorageUnavailable } from '../storage/storageFailure';
import { withoutDefaultTokens } from './defaultRowTokens';
import { tableKey } from '../storage/tableKey';
import type { TokenCache, TokenCacheLookup } from './tokenCache';
import type { Aes256Key } from '../crypto/aes256Key';
import type { TokenCacheKeyLoader } from './tokenCacheKeyLoader';

export interface TableTokenCacheOptions {
  /** The `TokenCache` table. */
  table: TableClient;
  /** Absent: nothing is cached or served, but revocations are still recorded (see invalidate). */
  key?: TokenCacheKeyLoader | undefined;
  /** Names the ACS access key in use now. */
  acsKeys: Pick<AcsClientFactory, 'keyFingerprint'>;
  minLifetimeMinutes: number;
  /**
   * Where the default identities' tokens are cached (their subjects' default rows, see defaultRowTokens):
   * invalidate resets those too.
   */
  defaultRows?: Pick<IdentityStore, 'subjectsOf' | 'readDefault' | 'replaceDefault'>;
  /** How long one read or write may take before it counts as a miss (default 1 s). */
  timeoutMs?: number;
  clock?: Clock;
}

/*
 * Layout of the TokenCache table:
 *   PK=tableKey(identity)  RK="generation"    {generation}: replaced by a random value on every invalidate
 *   PK=tableKey(identity)  RK=scope set key   an entry: {v, keyId, acsKey, generation, iv, tag, data}
 * `data` is the token and its expiry, sealed with AES-256-GCM under the cache key; the associated
 * data binds it to its PK, RK, ACS key fingerprint and generation, so no row can be moved to another
 * identity or scope set, relabelled as issued under the current ACS key, or brought back after a
 * revocation by editing its plaintext columns. Nothing in a row is the token or a part of it.
 *
 * An entry is served only when all hold: sealed under the current cache key (`keyId`), issued under
 * the current ACS key (`acsKey`), stored in the identity's current generation, it opens, and its
 * expiry lies between now + the minimum lifetime and what the request asked for.
 *
 * Failures: find and store never throw (a cache that cannot be read or written is a miss, and the
 * token is issued by ACS as if there were no cache). invalidate throws when it cannot record the
 * revocation: serving a revoked token is worse than a failed revoke the client can retry.
 */
export function createTableTokenCache(options: TableTokenCacheOptions): TokenCache {
  const { table } = options;
  const clock = options.clock ?? systemClock;
  const minLifetimeMs = options.minLifetimeMinutes * 60_000;
  // Storage that stalls must not stall the request: an ACS call is cheaper than the SDK's retries.
  const timeoutMs = options.timeoutMs ?? 1_000;
  const miss: TokenCacheLookup = { store: async () => undefined };

  const find = async (
    communicationUserId: string,
    scopes: AcsScope[],
    latestExpiry: Date,
  ): Promise<TokenCacheLookup> => {
    const loadKey = options.key;
    if (!loadKey) return miss;
    try {
      const partitionKey = tableKey(communicationUserId);
      const rowKey = scopeSetKey(scopes);
      // The ACS key is read before anything is issued: a token issued after this lookup was issued
      // under this key or a newer one, so labelling it with this one can only make it a miss later.
      const [key, acsKey, rows] = await Promise.all([
        loadKey(),
        options.acsKeys.keyFingerprint(),
        readRows(table, partitionKey, rowKey, AbortSignal.timeout(timeoutMs)),
      ]);
      const context: EntryContext = { partitionKey, rowKey, acsKey, generation: rows.generation };
      const token = rows.entry && openEntry(rows.entry, key, context);
      const store = (issued: AcsToken) => storeEntry(loadKey, context, issued);
      return usable(token, latestExpiry) ? { token, store } : { store };
    } catch {
      return miss;
    }
  };

  const usable = (token: AcsToken | undefined, latestExpiry: Date): token is AcsToken =>
    token !== undefined &&
    token.expiresOn.getTime() <= latestExpiry.getTime() &&
    token.expiresOn.getTime() >= clock().getTime() + minLifetimeMs;

  const storeEntry = async (loadKey: TokenCacheKeyLoader, context: EntryContext, token: AcsToken) => {
    // A token that would never be served is not worth a write.
    if (token.expiresOn.getTime() < clock().getTime() + minLifetimeMs) return;
    try {
      const key = await loadKey();
      await table.upsertEntity(sealEntry(key, context, token), 'Replace', {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      // Not cached: the next request issues a new token.
    }
  };

  return {
    find,
    async invalidate(communicationUserId, subjectId) {
      const partitionKey = tableKey(communicationUserId);
      try {
        // A new generation orphans every entry, including one a concurrent issue writes after this.
        await table.upsertEntity(
          { partitionKey, rowKey: generationRowKey, generation: randomUUID() },
          'Replace',
        );
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      if (options.defaultRows) await resetDefaultRows(options.defaultRows, communicationUserId, subjectId);
      // The entries are dead already; deleting them only keeps no sealed tokens of an erased identity.
      await deleteEntries(table, partitionKey).catch(() => undefined);
    },
  };
}

/**
 * Every default row that points at the identity gets a new generation and loses its cached tokens, under
 * its ETag: a token being cached into it meanwhile (conditioned on the ETag it read) then cannot land. A row
 * that changes in between is read again; one that cannot be reset fails the revocation. A row still being
 * created ("created": the identity is named, its reverse link may not be written yet) is reset the same way,
 * so the creation's last step, conditioned on that row's ETag, cannot seal a token issued before the revoke.
 */
async function resetDefaultRows(
  rows: NonNullable<TableTokenCacheOptions['defaultRows']>,
  communicationUserId: string,
  alsoSubjectId: string | undefined,
): Promise<void> {
  const linked = await rows.subjectsOf(communicationUserId);
  const subjects = alsoSubjectId && !linked.includes(alsoSubjectId) ? [...linked, alsoSubjectId] : linked;
  await mapWithConcurrency(subjects, storageFanOut, async (subjectId) => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = await rows.readDefault(subjectId);
      if (!row || row.value.communicationUserId !== communicationUserId) return;
      const reset = { ...withoutDefaultTokens(row.value), cacheGeneration: randomUUID() };
      if (await rows.replaceDefault(reset, row.etag)) return;
    }
    throw dependencyUnavailable('The cached tokens could not be reset; try again.', {
      retryAfterSeconds: 1,
      code: 'TokenCacheBusy',
    });
  });
}

const generationRowKey = 'generation';
const entryVersion = 1;

interface EntryContext {
  partitionKey: string;
  rowKey: string;
  acsKey: string;
  generation: string;
}

/** Sorted and deduplicated: a scope set, not a list. Scope names are table-key safe. */
function scopeSetKey(scopes: AcsScope[]): string {
  return [...new Set(scopes)].sort().join(',');
}

const entrySchema = z.object({
  v: z.literal(entryVersion),
  keyId: z.string(),
  acsKey: z.string(),
  generation: z.string(),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});
type Entry = z.infer<typeof entrySchema>;

const generationSchema = z.object({ generation: z.string() });

const sealedSchema = z.object({ token: z.string().min(1), expiresOn: z.number().int() });

async function readRows(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
  abortSignal: AbortSignal,
): Promise<{ entry?: Entry; generation: string }> {
  let entry: Entry | undefined;
  // No generation row: nothing was ever invalidated.
  let generation = '';
  const rows = table.listEntities({
    queryOptions: {
      filter: odata`PartitionKey eq ${partitionKey} and (RowKey eq ${rowKey} or RowKey eq ${generationRowKey})`,
    },
    abortSignal,
  });
  for await (const row of rows) {
    if (row.rowKey === generationRowKey) {
      generation = generationSchema.parse(row).generation;
    } else {
      const parsed = entrySchema.safeParse(row);
      if (parsed.success) entry = parsed.data;
    }
  }
  return { ...(entry ? { entry } : {}), generation };
}

function associatedData(context: EntryContext): string {
  return [
    'acs-token-cache',
    entryVersion,
    context.partitionKey,
    context.rowKey,
    context.acsKey,
    context.generation,
  ].join('\n');
}

function sealEntry(key: Aes256Key, context: EntryContext, token: AcsToken) {
  const plaintext = JSON.stringify({ token: token.token, expiresOn: token.expiresOn.getTime() });
  return {
    partitionKey: context.partitionKey,
    rowKey: context.rowKey,
    v: entryVersion,
    keyId: key.id,
    acsKey: context.acsKey,
    generation: context.generation,
    ...sealEnvelope(key.material, plaintext, associatedData(context)),
  };
}

/** The token, or undefined for an entry of another key, ACS key or generation, or one that does not open. */
function openEntry(entry: Entry, key: Aes256Key, context: EntryContext): AcsToken | undefined {
  if (entry.keyId !== key.id || entry.acsKey !== context.acsKey || entry.generation !== context.generation) {
    return undefined;
  }
  try {
    const sealed = sealedSchema.parse(JSON.parse(openEnvelope(key.material, entry, associatedData(context))));
    return { token: sealed.token, expiresOn: new Date(sealed.expiresOn) };
  } catch {
    return undefined;
  }
}

async function deleteEntries(table: TableClient, partitionKey: string): Promise<void> {
  const rows = table.listEntities({
    queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and RowKey ne ${generationRowKey}` },
  });
  const rowKeys: string[] = [];
  for await (const row of rows) if (row.rowKey) rowKeys.push(row.rowKey);
  await mapWithConcurrency(rowKeys, storageFanOut, (rowKey) => table.deleteEntity(partitionKey, rowKey));
}
