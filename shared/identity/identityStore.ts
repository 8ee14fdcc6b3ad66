import { odata, TableTransaction } from '@azure/data-tables';
import type { TableClients } from '../storage/tableClients';
import type { Versioned } from '../storage/versioned';
import { tableKey } from '../storage/tableKey';
import { deleteTableRow, readTableRow, upsertTableRow } from '../storage/tableRow';
import {
  asStorageUnavailable,
  isConflict,
  isNotFound,
  isPreconditionFailed,
} from '../storage/storageFailure';

/*
 * Layout (keys are SHA-256 digests of the ids, see tableKey; the ids themselves are properties):
 *   Subjects   PK=key(subject)  RK="identity_"+key(identity)  a link: {subjectId, communicationUserId, label, createdAt}
 *   Subjects   PK=key(subject)  RK="default"                 the default identity, its creation lease, and its
 *                                                             cached tokens (columns tok_*, sealed: see tokens/)
 *   Subjects   PK=key(subject)  RK="slot_"+NNN              a place under the cap for one extra identity
 *   Identities PK=key(identity) RK="identity"                meta: {communicationUserId, label, kind, createdAt}
 *   Identities PK=key(identity) RK="subject_"+key(subject)   reverse link: {subjectId, communicationUserId}
 * A link is written reverse-first and removed forward-first: the forward link is what authorizes a
 * subject to use an identity, so it exists only while the reverse one does.
 */

export interface LinkEntity {
  subjectId: string;
  communicationUserId: string;
  label: string;
  createdAt: string;
}

export interface IdentityMetaEntity {
  communicationUserId: string;
  label: string;
  kind: 'user' | 'service';
  createdAt: string;
}

export type DefaultState = 'pending' | 'created' | 'ready';

export interface DefaultEntity {
  subjectId: string;
  state: DefaultState;
  claimId: string;
  /** Epoch ms when the current claim was taken; a pending claim older than the lease may be taken over. */
  claimedAt: number;
  communicationUserId?: string | undefined;
  createdAt?: string | undefined;
  /**
   * Replaced on every revocation of the default identity's tokens. The cached tokens were sealed under it,
   * and any write that changes the row changes its ETag, which a token being cached must still match.
   */
  cacheGeneration?: string | undefined;
  /** Opaque to identity/: what the token cache keeps in the row, by column name (`tok_*`, `hint_*`). */
  cache?: Record<string, string> | undefined;
}

/**
 * One of the cap's places for an extra identity (the default has its own). Slot rows are inserted, never
 * upserted, and their keys are the numbers 1..cap-1, so no more than cap-1 can exist at once: an identity
 * is created in ACS only after its slot row is in. `reserved` while ACS creates it; `held` once linked.
 */
export interface SlotEntity {
  subjectId: string;
  index: number;
  state: 'reserved' | 'held';
  /** Epoch ms of the reservation: a reservation older than the lease was left by a crash. */
  reservedAt: number;
  communicationUserId?: string | undefined;
}

const defaultRowKey = 'default';
const slotPrefix = 'slot_';
const slotRowKey = (index: number) => `${slotPrefix}${String(index).padStart(4, '0')}`;
const metaRowKey = 'identity';
const linkPrefix = 'identity_';
const reversePrefix = 'subject_';
// The first character after '_' in code-point order: bounds a prefix range query.
const prefixEnd = (prefix: string) => `${prefix.slice(0, -1)}\``;

export interface IdentityStore {
  readDefault(subjectId: string): Promise<Versioned<DefaultEntity> | undefined>;
  /** false when another instance created it first. */
  createDefault(entity: DefaultEntity): Promise<Versioned<DefaultEntity> | undefined>;
  /** undefined when the row changed since it was read (lost a race). */
  replaceDefault(entity: DefaultEntity, etag: string): Promise<Versioned<DefaultEntity> | undefined>;
  /** With an ETag: false when the row changed since it was read (and then it is left alone). */
  deleteDefault(subjectId: string, etag?: string): Promise<boolean>;
  /** Merges cache columns into the default row if it is unchanged since `etag`; false when it changed. */
  mergeDefaultCache(subjectId: string, cache: Record<string, string>, etag: string): Promise<boolean>;
  /**
   * The last step of creating a default identity, in one transaction of the subject's partition: the
   * forward link (which authorizes the identity) and the default row marked ready. undefined when the
   * default row changed since `etag`, and then neither is written.
   */
  finishDefault(
    link: LinkEntity,
    ready: DefaultEntity,
    etag: string,
  ): Promise<Versioned<DefaultEntity> | undefined>;
  /** The identity's meta and one reverse link, in one transaction of the identity's partition. */
  writeIdentityRows(meta: IdentityMetaEntity, subjectId: string): Promise<void>;
  /** Removes what writeIdentityRows wrote. Idempotent. */
  deleteIdentityRows(communicationUserId: string, subjectId: string): Promise<void>;
  readMeta(communicationUserId: string): Promise<IdentityMetaEntity | undefined>;
  writeMeta(entity: IdentityMetaEntity): Promise<void>;
  deleteMeta(communicationUserId: string): Promise<void>;
  /** Writes both directions, reverse first. Idempotent. */
  link(entity: LinkEntity): Promise<void>;
  /** Removes both directions, forward first. Idempotent. */
  unlink(subjectId: string, communicationUserId: string): Promise<void>;
  readLink(subjectId: string, communicationUserId: string): Promise<LinkEntity | undefined>;
  /** The subject's partition in one query: its links, its default row and its slots. */
  readSubject(subjectId: string): Promise<SubjectRows>;
  /** undefined when the slot is taken. */
  createSlot(slot: SlotEntity): Promise<Versioned<SlotEntity> | undefined>;
  /** undefined when the slot changed since it was read. */
  replaceSlot(slot: SlotEntity, etag: string): Promise<Versioned<SlotEntity> | undefined>;
  deleteSlot(subjectId: string, index: number, etag?: string): Promise<void>;
  subjectsOf(communicationUserId: string, limit?: number): Promise<string[]>;
}

export interface SubjectRows {
  links: LinkEntity[];
  default?: Versioned<DefaultEntity> | undefined;
  slots: Versioned<SlotEntity>[];
}

export function createIdentityStore(tables: Pick<TableClients, 'Subjects' | 'Identities'>): IdentityStore {
  const subjects = tables.Subjects;
  const identities = tables.Identities;

  return {
    async readDefault(subjectId) {
      const entity = await readTableRow(subjects, tableKey(subjectId), defaultRowKey);
      return entity && { value: toDefault(entity), etag: entity.etag };
    },
    async createDefault(entity) {
      try {
        const result = await subjects.createEntity(defaultRow(entity));
        return { value: entity, etag: result.etag ?? '' };
      } catch (error) {
        if (isConflict(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async replaceDefault(entity, etag) {
      try {
        const result = await subjects.updateEntity(defaultRow(entity), 'Replace', { etag });
        return { value: entity, etag: result.etag ?? '' };
      } catch (error) {
        if (isPreconditionFailed(error) || isNotFound(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async deleteDefault(subjectId, etag) {
      try {
        await subjects.deleteEntity(tableKey(subjectId), defaultRowKey, etag ? { etag } : {});
        return true;
      } catch (error) {
        if (isNotFound(error)) return true;
        if (etag && isPreconditionFailed(error)) return false;
        throw asStorageUnavailable(error);
      }
    },
    async mergeDefaultCache(subjectId, cache, etag) {
      try {
        await subjects.updateEntity(
          { partitionKey: tableKey(subjectId), rowKey: defaultRowKey, ...cacheColumns(cache) },
          'Merge',
          { etag },
        );
        return true;
      } catch (error) {
        if (isPreconditionFailed(error) || isNotFound(error)) return false;
        throw asStorageUnavailable(error);
      }
    },
    async finishDefault(link, ready, etag) {
      const partitionKey = tableKey(link.subjectId);
      const transaction = new TableTransaction();
      transaction.upsertEntity(
        { partitionKey, rowKey: linkPrefix + tableKey(link.communicationUserId), ...link },
        'Replace',
      );
      transaction.updateEntity(defaultRow(ready), 'Replace', { etag });
      try {
        const result = await subjects.submitTransaction(transaction.actions);
        return { value: ready, etag: result.subResponses[1]?.etag ?? '' };
      } catch (error) {
        if (isPreconditionFailed(error) || isNotFound(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async writeIdentityRows(meta, subjectId) {
      const partitionKey = tableKey(meta.communicationUserId);
      const transaction = new TableTransaction();
      transaction.upsertEntity({ partitionKey, rowKey: metaRowKey, ...meta }, 'Replace');
      transaction.upsertEntity(
        {
          partitionKey,
          rowKey: reversePrefix + tableKey(subjectId),
          subjectId,
          communicationUserId: meta.communicationUserId,
        },
        'Replace',
      );
      try {
        await identities.submitTransaction(transaction.actions);
      } catch (error) {
        throw asStorageUnavailable(error);
      }
    },
    async deleteIdentityRows(communicationUserId, subjectId) {
      await deleteTableRow(identities, tableKey(communicationUserId), reversePrefix + tableKey(subjectId));
      await deleteTableRow(identities, tableKey(communicationUserId), metaRowKey);
    },
    async readMeta(communicationUserId) {
      const entity = await readTableRow(identities, tableKey(communicationUserId), metaRowKey);
      return entity && toMeta(entity);
    },
    async writeMeta(entity) {
      await upsertTableRow(identities, {
        partitionKey: tableKey(entity.communicationUserId),
        rowKey: metaRowKey,
        ...entity,
      });
    },
    async deleteMeta(communicationUserId) {
      await deleteTableRow(identities, tableKey(communicationUserId), metaRowKey);
    },
    async link(entity) {
      await upsertTableRow(identities, {
        partitionKey: tableKey(entity.communicationUserId),
        rowKey: reversePrefix + tableKey(entity.subjectId),
        subjectId: entity.subjectId,
        communicationUserId: entity.communicationUserId,
      });
      await upsertTableRow(subjects, {
        partitionKey: tableKey(entity.subjectId),
        rowKey: linkPrefix + tableKey(entity.communicationUserId),
        ...entity,
      });
    },
    async unlink(subjectId, communicationUserId) {
      await deleteTableRow(subjects, tableKey(subjectId), linkPrefix + tableKey(communicationUserId));
      await deleteTableRow(identities, tableKey(communicationUserId), reversePrefix + tableKey(subjectId));
    },
    async readLink(subjectId, communicationUserId) {
      const entity = await readTableRow(
        subjects,
        tableKey(subjectId),
        linkPrefix + tableKey(communicationUserId),
      );
      return entity && toLink(entity);
    },
    async readSubject(subjectId) {
      const links: LinkEntity[] = [];
      const slots: Versioned<SlotEntity>[] = [];
      let defaultRow: Versioned<DefaultEntity> | undefined;
      try {
        const rows = subjects.listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey eq ${tableKey(subjectId)}` },
        });
        for await (const row of rows) {
          if (row.rowKey === defaultRowKey) defaultRow = { value: toDefault(row), etag: row.etag };
          else if (row.rowKey?.startsWith(linkPrefix)) links.push(toLink(row));
          else if (row.rowKey?.startsWith(slotPrefix)) slots.push({ value: toSlot(row), etag: row.etag });
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      return { links, default: defaultRow, slots };
    },
    async createSlot(slot) {
      try {
        const result = await subjects.createEntity({
          partitionKey: tableKey(slot.subjectId),
          rowKey: slotRowKey(slot.index),
          ...withoutUndefined(slot),
        });
        return { value: slot, etag: result.etag ?? '' };
      } catch (error) {
        if (isConflict(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async replaceSlot(slot, etag) {
      try {
        const result = await subjects.updateEntity(
          {
            partitionKey: tableKey(slot.subjectId),
            rowKey: slotRowKey(slot.index),
            ...withoutUndefined(slot),
          },
          'Replace',
          { etag },
        );
        return { value: slot, etag: result.etag ?? '' };
      } catch (error) {
        if (isPreconditionFailed(error) || isNotFound(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async deleteSlot(subjectId, index, etag) {
      await deleteTableRow(subjects, tableKey(subjectId), slotRowKey(index), etag);
    },
    async subjectsOf(communicationUserId, limit) {
      const found: string[] = [];
      try {
        const rows = identities.listEntities<{ subjectId: string }>({
          queryOptions: {
            filter: odata`PartitionKey eq ${tableKey(communicationUserId)} and RowKey ge ${reversePrefix} and RowKey lt ${prefixEnd(reversePrefix)}`,
            select: ['subjectId'],
          },
        });
        for await (const row of rows) {
          found.push(row.subjectId);
          if (limit !== undefined && found.length >= limit) break;
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      return found;
    },
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

const cacheColumnPattern = /^(tok|hint)_[A-Za-z0-9]+$/;

/** Only cache columns of the expected shape reach the row: the names come from tokens/, not from users. */
function cacheColumns(cache: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(cache ?? {}).filter(([name]) => cacheColumnPattern.test(name)));
}

function defaultRow(entity: DefaultEntity) {
  const { cache, ...fields } = entity;
  return {
    partitionKey: tableKey(entity.subjectId),
    rowKey: defaultRowKey,
    ...withoutUndefined(fields),
    ...cacheColumns(cache),
  };
}

function toDefault(row: Record<string, unknown>): DefaultEntity {
  const state = row.state === 'ready' || row.state === 'created' ? row.state : 'pending';
  const cache = Object.fromEntries(
    Object.entries(row).filter(
      (entry): entry is [string, string] => cacheColumnPattern.test(entry[0]) && typeof entry[1] === 'string',
    ),
  );
  return {
    subjectId: text(row.subjectId),
    state,
    claimId: text(row.claimId),
    claimedAt: typeof row.claimedAt === 'number' ? row.claimedAt : Number(row.claimedAt ?? 0),
    ...(row.communicationUserId ? { communicationUserId: text(row.communicationUserId) } : {}),
    ...(row.createdAt ? { createdAt: text(row.createdAt) } : {}),
    ...(row.cacheGeneration ? { cacheGeneration: text(row.cacheGeneration) } : {}),
    ...(Object.keys(cache).length > 0 ? { cache } : {}),
  };
}

function toSlot(row: Record<string, unknown>): SlotEntity {
  return {
    subjectId: text(row.subjectId),
    index: Number(row.index ?? 0),
    state: row.state === 'held' ? 'held' : 'reserved',
    reservedAt: Number(row.reservedAt ?? 0),
    ...(row.communicationUserId ? { communicationUserId: text(row.communicationUserId) } : {}),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

function toLink(row: Record<string, unknown>): LinkEntity {
  return {
    subjectId: text(row.subjectId),
    communicationUserId: text(row.communicationUserId),
    label: text(row.label),
    createdAt: text(row.createdAt),
  };
}

function toMeta(row: Record<string, unknown>): IdentityMetaEntity {
  return {
    communicationUserId: text(row.communicationUserId),
    label: text(row.label),
    kind: row.kind === 'service' ? 'service' : 'user',
    createdAt: text(row.createdAt),
  };
}
