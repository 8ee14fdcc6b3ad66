import type { AcsToken } from '../acs/acsIdentityGateway';
import { acsScopes, type AcsScope } from '../config/acsScopes';
import type { Aes256Key } from '../crypto/aes256Key';
import { openEnvelope, sealEnvelope } from '../crypto/aesGcmEnvelope';
import type { DefaultEntity } from '../identity/identityStore';
import type { OpenedTokens } from './openedTokens';

/*
 * Tokens of a subject's default identity, cached in the subject's default row (Subjects, RK "default"): the
 * row `POST /api/token` reads anyway, so a cache hit is that one point read and nothing else.
 *
 * Columns: `tok_<scope set>` = "<expiresOn ms>.<cache key id>.<ACS key fingerprint>.<iv>.<tag>.<data>",
 * the token sealed with AES-256-GCM under the cache key. The scope set is a bit mask over acsScopes. The
 * associated data binds each entry to the subject's partition, the scope set, its expiry, the identity, the
 * ACS key that issued it and the row's cacheGeneration, so no entry can be moved to another subject, scope set
 * or identity, given a later expiry (served past its own, or for a request asking for more lifetime than it
 * has), relabelled as issued under the current ACS key, or kept across a revocation. The expiry is in clear
 * (it is not secret) so that stale entries can be dropped without opening them, and bound so it cannot lie.
 *
 * Protocol, with the guarantees it keeps:
 * - Serve: the row is `ready`, the entry opens under the current cache key and ACS key fingerprint with the
 *   row's generation and identity, and its expiry lies between now + the minimum lifetime and what the
 *   request asked for. Anything else (no key, a bad entry, another key) is a miss, never an error.
 * - Store (after a miss): a Merge of the entry into the row conditioned on the ETag read before ACS was
 *   asked. Any write to the row since (a revocation, a promotion, a takeover) changes the ETag, so a token
 *   issued before a revocation can never be cached after it.
 * - Revoke, delete (see invalidate in tableTokenCache): every default row pointing at the identity (found
 *   through its reverse links) is replaced under its ETag with a new generation and no entries, before and
 *   after ACS revokes. A row that changes meanwhile is read again; one that cannot be replaced fails the
 *   revocation (503), because serving a revoked token is worse than a revoke the client retries. A caller
 *   revoking their own default resets their own row directly as well: during their first token the row names
 *   the identity (state "created") before its reverse link need exist, and resetting it makes the creation's
 *   last step, conditioned on that row's ETag, lose instead of sealing the revoked first token.
 * - Removing or unlinking the default identity (repairDefault in identityService): the row is moved to another
 *   identity (new generation, no entries) or deleted under the ETag just read, retried on a lost race, before
 *   the link goes; so a token cached meanwhile cannot keep the row on the removed identity, and the reverse
 *   link still leads a concurrent revocation to the row.
 * - Erase: the default row is deleted before any identity is, so nothing is served from it while, or after,
 *   the erasure deletes identities, even if it fails part-way.
 * - Service identities are never made a user's default: a user's revoke of one is refused (403), only admins
 *   revoke them.
 * - ACS key rotation: an entry carries the fingerprint of the key it was issued under; after a rotation the
 *   fingerprint differs and the entry is a miss.
 */

const entryPrefix = 'tok_';
// 2: the expiry is bound too (entries of version 1 no longer open: a miss, issued again).
const entryVersion = 2;

/** What a sealed entry is bound to besides its own bytes. */
export interface DefaultTokenContext {
  /** The subject's partition key (a digest of the subject id). */
  partitionKey: string;
  row: DefaultEntity;
  acsKey: string;
}

/** A bit mask over acsScopes: table column names allow letters and digits only. */
export function scopeSetColumn(scopes: readonly AcsScope[]): string {
  const mask = acsScopes.reduce(
    (bits, scope, index) => (scopes.includes(scope) ? bits | (1 << index) : bits),
    0,
  );
  return `${entryPrefix}${mask}`;
}

function associatedData(context: DefaultTokenContext, column: string, expiresOnMs: number): string {
  return [
    'acs-default-token',
    entryVersion,
    context.partitionKey,
    column,
    expiresOnMs,
    context.row.communicationUserId ?? '',
    context.row.claimId,
    context.row.cacheGeneration ?? '',
    context.acsKey,
  ].join('\n');
}

/** The cached token for this scope set, or undefined for anything that is not a servable entry. */
export function openDefaultToken(
  context: DefaultTokenContext,
  scopes: readonly AcsScope[],
  key: Aes256Key,
  usable: (expiresOnMs: number) => boolean,
  opened?: OpenedTokens,
): AcsToken | undefined {
  if (context.row.state !== 'ready' || !context.row.communicationUserId) return undefined;
  const column = scopeSetColumn(scopes);
  const parts = context.row.cache?.[column]?.split('.');
  if (parts?.length !== 6) return undefined;
  const [expiry, keyId, acsKey, iv, tag, data] = parts as [string, string, string, string, string, string];
  const expiresOnMs = Number(expiry);
  if (!usable(expiresOnMs) || keyId !== key.id || acsKey !== context.acsKey) return undefined;
  const aad = associatedData(context, column, expiresOnMs);
  // The tag authenticates the data under this key, IV and associated data: together they name the plaintext.
  const binding = `${key.id}\n${aad}\n${iv}.${tag}`;
  try {
    const token = opened?.get(binding) ?? openEnvelope(key.material, { iv, tag, data }, aad);
    opened?.set(binding, token);
    return { token, expiresOn: new Date(expiresOnMs) };
  } catch {
    return undefined;
  }
}

/**
 * The columns to merge into the row to cache `token` for this scope set: the new entry, and an empty value
 * over every entry that has expired (a Merge cannot delete a column; an empty one is no entry).
 */
export function sealDefaultToken(
  context: DefaultTokenContext,
  scopes: readonly AcsScope[],
  key: Aes256Key,
  token: AcsToken,
  nowMs: number,
): Record<string, string> {
  const column = scopeSetColumn(scopes);
  const columns: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.row.cache ?? {})) {
    if (name.startsWith(entryPrefix) && value !== '' && !(Number(value.split('.')[0]) > nowMs))
      columns[name] = '';
  }
  const expiresOnMs = token.expiresOn.getTime();
  const sealed = sealEnvelope(key.material, token.token, associatedData(context, column, expiresOnMs));
  columns[column] = [expiresOnMs, key.id, context.acsKey, sealed.iv, sealed.tag, sealed.data].join('.');
  return columns;
}

/** The row's fields without any cached entry: what a revocation or a change of identity writes. */
export function withoutDefaultTokens(row: DefaultEntity): DefaultEntity {
  const { cache, ...fields } = row;
  const kept = Object.fromEntries(
    Object.entries(cache ?? {}).filter(([name]) => !name.startsWith(entryPrefix)),
  );
  return { ...fields, ...(Object.keys(kept).length > 0 ? { cache: kept } : {}) };
}
