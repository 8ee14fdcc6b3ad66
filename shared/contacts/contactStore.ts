import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import {
  asStorageUnavailable,
  isConflict,
  isNotFound,
  isPreconditionFailed,
} from '../storage/storageFailure';
import { deleteTableRow, readTableRow, upsertTableRow } from '../storage/tableRow';
import type { Versioned } from '../storage/versioned';
import type { ContactIntent, ContactPair, ContactSide, ContactState } from './contactPair';

/*
 * Layout of the Contacts table (keys are tableKey digests of subject ids; the ids are properties):
 *   PK="p_"+lowKey+"_"+highKey  RK="pair"        the pair: both sides' intents, names and times (the truth)
 *   PK="s_"+key(owner)          RK="c_"+key(other) the owner's view of the pair, projected from the pair row
 *   PK="s_"+key(owner)          RK="pending"       the owner's outgoing requests, for the pending limit
 * A subject's lists are one partition read of its "s_" partition; the pair row decides every change.
 */

/** A subject's table key (tableKey of its id), kept apart from ids in the types. */
export type SubjectKey = string & { readonly brand: 'SubjectKey' };

export interface ProjectionRow {
  /** The other subject. */
  subjectId: string;
  state: ContactState;
  /** The other's shared name; only on mutual rows. */
  displayName?: string | undefined;
  since: string;
}

export interface ProjectionEntry extends ProjectionRow {
  otherKey: SubjectKey;
}

/** One outgoing request: the other's key, and when it was last asked for (epoch ms). */
export interface PendingEntry {
  key: SubjectKey;
  at: number;
}

export interface SubjectContactRows {
  rows: ProjectionEntry[];
  pending?: Versioned<PendingEntry[]> | undefined;
}

export interface ContactStore {
  readPair(a: SubjectKey, b: SubjectKey): Promise<Versioned<ContactPair> | undefined>;
  /** undefined when another request created it first. */
  createPair(a: SubjectKey, b: SubjectKey, pair: ContactPair): Promise<string | undefined>;
  /** undefined when the row changed or went since it was read. */
  replacePair(a: SubjectKey, b: SubjectKey, pair: ContactPair, etag: string): Promise<string | undefined>;
  /** false when the row changed since it was read; true when it is gone. Without an ETag, unconditional. */
  deletePair(a: SubjectKey, b: SubjectKey, etag?: string): Promise<boolean>;
  writeProjection(owner: SubjectKey, other: SubjectKey, row: ProjectionRow): Promise<void>;
  /** Writes the row only if there is none: a placeholder must never hide a real state. */
  ensureProjection(owner: SubjectKey, other: SubjectKey, row: ProjectionRow): Promise<void>;
  deleteProjection(owner: SubjectKey, other: SubjectKey): Promise<void>;
  /** The owner's partition, in one query. */
  readSubject(owner: SubjectKey): Promise<SubjectContactRows>;
  readPending(owner: SubjectKey): Promise<Versioned<PendingEntry[]> | undefined>;
  /** Inserts (no ETag) or replaces (ETag) the owner's pending list; undefined when it lost a race. */
  writePending(owner: SubjectKey, entries: PendingEntry[], etag?: string): Promise<string | undefined>;
  deletePending(owner: SubjectKey): Promise<void>;
}

const pairRowKey = 'pair';
const pendingRowKey = 'pending';
const projectionPrefix = 'c_';

export const subjectPartition = (key: SubjectKey) => `s_${key}`;
const projectionRowKey = (other: SubjectKey) => `${projectionPrefix}${other}`;

/** The pair's partition: its two keys in order, so either side names the same row. */
export function pairPartition(a: SubjectKey, b: SubjectKey): string {
  const [low, high] = a < b ? [a, b] : [b, a];
  return `p_${low}_${high}`;
}

const intents: readonly ContactIntent[] = ['none', 'wants', 'declined'];
const states: readonly ContactState[] = ['mutual', 'outgoing', 'incoming', 'declined', 'none'];

export function createContactStore(table: TableClient): ContactStore {
  const conditional = async (write: () => Promise<{ etag?: string }>): Promise<string | undefined> => {
    try {
      return (await write()).etag ?? '';
    } catch (error) {
      if (isConflict(error) || isPreconditionFailed(error) || isNotFound(error)) return undefined;
      throw asStorageUnavailable(error);
    }
  };

  return {
    async readPair(a, b) {
      const row = await readTableRow(table, pairPartition(a, b), pairRowKey);
      return row && { value: toPair(row), etag: row.etag };
    },
    createPair: (a, b, pair) =>
      conditional(() =>
        table.createEntity({ partitionKey: pairPartition(a, b), rowKey: pairRowKey, ...fromPair(pair) }),
      ),
    replacePair: (a, b, pair, etag) =>
      conditional(() =>
        table.updateEntity(
          { partitionKey: pairPartition(a, b), rowKey: pairRowKey, ...fromPair(pair) },
          'Replace',
          { etag },
        ),
      ),
    async deletePair(a, b, etag) {
      try {
        await table.deleteEntity(pairPartition(a, b), pairRowKey, etag ? { etag } : {});
        return true;
      } catch (error) {
        if (isNotFound(error)) return true;
        if (isPreconditionFailed(error)) return false;
        throw asStorageUnavailable(error);
      }
    },
    async writeProjection(owner, other, row) {
      await upsertTableRow(table, {
        partitionKey: subjectPartition(owner),
        rowKey: projectionRowKey(other),
        ...fromProjection(row),
      });
    },
    async ensureProjection(owner, other, row) {
      try {
        await table.createEntity({
          partitionKey: subjectPartition(owner),
          rowKey: projectionRowKey(other),
          ...fromProjection(row),
        });
      } catch (error) {
        if (!isConflict(error)) throw asStorageUnavailable(error);
      }
    },
    async deleteProjection(owner, other) {
      await deleteTableRow(table, subjectPartition(owner), projectionRowKey(other));
    },
    async readSubject(owner) {
      const rows: ProjectionEntry[] = [];
      let pending: Versioned<PendingEntry[]> | undefined;
      try {
        const entities = table.listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey eq ${subjectPartition(owner)}` },
        });
        for await (const entity of entities) {
          if (entity.rowKey === pendingRowKey) pending = { value: toPending(entity), etag: entity.etag };
          else if (entity.rowKey?.startsWith(projectionPrefix)) {
            rows.push({
              ...toProjection(entity),
              otherKey: entity.rowKey.slice(projectionPrefix.length) as SubjectKey,
            });
          }
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      return { rows, pending };
    },
    async readPending(owner) {
      const row = await readTableRow(table, subjectPartition(owner), pendingRowKey);
      return row && { value: toPending(row), etag: row.etag };
    },
    writePending: (owner, entries, etag) => {
      const entity = {
        partitionKey: subjectPartition(owner),
        rowKey: pendingRowKey,
        entries: JSON.stringify(entries.map(({ key, at }) => [key, at])),
      };
      return conditional(() =>
        etag === undefined ? table.createEntity(entity) : table.updateEntity(entity, 'Replace', { etag }),
      );
    },
    async deletePending(owner) {
      await deleteTableRow(table, subjectPartition(owner), pendingRowKey);
    },
  };
}

function fromSide(prefix: 'low' | 'high', side: ContactSide): Record<string, string> {
  return {
    [`${prefix}SubjectId`]: side.subjectId,
    [`${prefix}Intent`]: side.intent,
    [`${prefix}DisplayName`]: side.displayName ?? '',
    [`${prefix}Since`]: side.since,
  };
}

function fromPair(pair: ContactPair): Record<string, string> {
  return { ...fromSide('low', pair.low), ...fromSide('high', pair.high) };
}

const text = (row: Record<string, unknown>, name: string): string => {
  const value = row[name];
  return typeof value === 'string' ? value : '';
};

function toSide(row: Record<string, unknown>, prefix: 'low' | 'high'): ContactSide {
  const intent = text(row, `${prefix}Intent`) as ContactIntent;
  const displayName = text(row, `${prefix}DisplayName`);
  return {
    subjectId: text(row, `${prefix}SubjectId`),
    intent: intents.includes(intent) ? intent : 'none',
    ...(displayName ? { displayName } : {}),
    since: text(row, `${prefix}Since`),
  };
}

function toPair(row: Record<string, unknown>): ContactPair {
  return { low: toSide(row, 'low'), high: toSide(row, 'high') };
}

function fromProjection(row: ProjectionRow): Record<string, string> {
  return {
    subjectId: row.subjectId,
    state: row.state,
    displayName: row.displayName ?? '',
    since: row.since,
  };
}

function toProjection(row: Record<string, unknown>): ProjectionRow {
  const state = text(row, 'state') as ContactState;
  const displayName = text(row, 'displayName');
  return {
    subjectId: text(row, 'subjectId'),
    state: states.includes(state) ? state : 'none',
    ...(displayName ? { displayName } : {}),
    since: text(row, 'since'),
  };
}

function toPending(row: Record<string, unknown>): PendingEntry[] {
  try {
    const parsed: unknown = JSON.parse(text(row, 'entries') || '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) =>
      Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number'
        ? [{ key: entry[0] as SubjectKey, at: entry[1] }]
        : [],
    );
  } catch {
    return [];
  }
}
