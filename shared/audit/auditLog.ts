import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { badRequest } from '../errors/serviceError';
import { asStorageUnavailable } from '../storage/storageFailure';
import { decodePageToken, encodePageToken } from '../storage/pageToken';
import { readPartitionPage, type PartitionRow } from '../storage/partitionPage';
import { tableKey } from '../storage/tableKey';
import { systemClock, type Clock } from '../time/clock';
import type { AuditAction, AuditEntry, AuditEvent } from './auditEvent';

/** One trail: a subject's or an identity's (exactly one of the two), a page of it. */
export interface AuditQuery {
  subjectId?: string | undefined;
  communicationUserId?: string | undefined;
  limit: number;
  continuationToken?: string | undefined;
}

export interface AuditPage {
  entries: AuditEntry[];
  continuationToken?: string;
}

export interface AuditLog {
  /** Records the events in the order given (one round of writes), each where its subject and identity read it. */
  record(...events: AuditEvent[]): Promise<void>;
  list(query: AuditQuery): Promise<AuditPage>;
}

/*
 * Each event is written once into the partition of every subject and identity it concerns, so that
 * "the trail of X" is a single partition read, newest first: the RowKey is the time counted down
 * from the largest epoch milliseconds, then a random id so events in one millisecond never collide.
 */
const maxEpochMs = 9_999_999_999_999;
const rowKeyPattern = /^\d{13}_[0-9a-f-]{36}$/;

export function createAuditLog(table: TableClient, clock: Clock = systemClock): AuditLog {
  const recordOne = async (event: AuditEvent, at: Date, order: number) => {
    const id = randomUUID();
    const rowKey = `${String(maxEpochMs - at.getTime() - order).padStart(13, '0')}_${id}`;
    const partitions = new Set<string>([`s_${tableKey(event.actor)}`]);
    if (event.subjectId) partitions.add(`s_${tableKey(event.subjectId)}`);
    if (event.communicationUserId) partitions.add(`i_${tableKey(event.communicationUserId)}`);
    const properties = {
      id,
      at: at.toISOString(),
      action: event.action,
      actor: event.actor,
      subjectId: event.subjectId ?? '',
      communicationUserId: event.communicationUserId ?? '',
      scopes: event.scopes?.join(',') ?? '',
      expiresOn: event.expiresOn ?? '',
    };
    try {
      await Promise.all(
        [...partitions].map((partitionKey) => table.createEntity({ partitionKey, rowKey, ...properties })),
      );
    } catch (error) {
      throw asStorageUnavailable(error);
    }
  };

  return {
    async record(...events) {
      const at = clock();
      // Events recorded together happened in this order: each sorts as a millisecond after the one before
      // (`at` stays the time they were recorded).
      await Promise.all(events.map((event, order) => recordOne(event, at, order)));
    },

    async list(page) {
      const partitionKey = trailPartition(page);
      const after =
        page.continuationToken === undefined
          ? undefined
          : decodePageToken(page.continuationToken, { rowKeyPattern, partitionKey });
      const read = await readPartitionPage(table, partitionKey, { limit: page.limit, after });
      const entries = read.rows.map(toEntry);
      return {
        entries,
        ...(read.after === undefined
          ? {}
          : { continuationToken: encodePageToken(read.after, { partitionKey }) }),
      };
    },
  };
}

function trailPartition(query: AuditQuery): string {
  if (query.subjectId !== undefined && query.communicationUserId === undefined) {
    return `s_${tableKey(query.subjectId)}`;
  }
  if (query.communicationUserId !== undefined && query.subjectId === undefined) {
    return `i_${tableKey(query.communicationUserId)}`;
  }
  throw badRequest('Exactly one of subjectId and communicationUserId is required.', {
    code: 'ValidationFailed',
  });
}

function toEntry(row: PartitionRow): AuditEntry {
  const text = (name: string): string => {
    const value = row[name];
    return typeof value === 'string' ? value : '';
  };
  const [subjectId, communicationUserId, scopes, expiresOn] = [
    text('subjectId'),
    text('communicationUserId'),
    text('scopes'),
    text('expiresOn'),
  ];
  return {
    id: text('id'),
    at: text('at'),
    action: text('action') as AuditAction,
    actor: text('actor'),
    ...(subjectId ? { subjectId } : {}),
    ...(communicationUserId ? { communicationUserId } : {}),
    ...(scopes ? { scopes: scopes.split(',') } : {}),
    ...(expiresOn ? { expiresOn } : {}),
  };
}
