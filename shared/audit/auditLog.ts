import { randomUUID } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import { badRequest } from '../errors/serviceError';
import { asStorageUnavailable } from '../storage/storageFailure';
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
  record(event: AuditEvent): Promise<void>;
  list(query: AuditQuery): Promise<AuditPage>;
}

/*
 * Each event is written once into the partition of every subject and identity it concerns, so that
 * "the trail of X" is a single partition read, newest first: the RowKey is the time counted down
 * from the largest epoch milliseconds, then a random id so events in one millisecond never collide.
 */
const maxEpochMs = 9_999_999_999_999;

export function createAuditLog(table: TableClient, clock: Clock = systemClock): AuditLog {
  return {
    async record(event) {
      const at = clock();
      const id = randomUUID();
      const rowKey = `${String(maxEpochMs - at.getTime()).padStart(13, '0')}_${id}`;
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
    },

    async list(page) {
      const partitionKey = trailPartition(page);
      const pages = table
        .listEntities<Record<string, string>>({
          queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
        })
        .byPage({
          maxPageSize: page.limit,
          ...(page.continuationToken ? { continuationToken: decodeToken(page.continuationToken) } : {}),
        });
      try {
        const first = await pages.next();
        if (first.done) return { entries: [] };
        const entries = first.value.map(toEntry);
        const next = first.value.continuationToken;
        return { entries, ...(next ? { continuationToken: Buffer.from(next).toString('base64url') } : {}) };
      } catch (error) {
        throw asStorageUnavailable(error);
      }
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

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  // The SDK's own tokens are base64 of JSON; anything else is a client's invention.
  try {
    JSON.parse(Buffer.from(decoded, 'base64').toString('utf8'));
  } catch {
    throw badRequest('The continuation token is not valid.', { code: 'InvalidContinuationToken' });
  }
  return decoded;
}

function toEntry(row: Record<string, string>): AuditEntry {
  return {
    id: row.id ?? '',
    at: row.at ?? '',
    action: row.action as AuditAction,
    actor: row.actor ?? '',
    ...(row.subjectId ? { subjectId: row.subjectId } : {}),
    ...(row.communicationUserId ? { communicationUserId: row.communicationUserId } : {}),
    ...(row.scopes ? { scopes: row.scopes.split(',') } : {}),
    ...(row.expiresOn ? { expiresOn: row.expiresOn } : {}),
  };
}
