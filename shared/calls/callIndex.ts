import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { badRequest } from '../errors/serviceError';
import { asStorageUnavailable, isNotFound, isPreconditionFailed } from '../storage/storageFailure';
import { tableKey } from '../storage/tableKey';
import type { Call } from './call';

/*
 * Layout of the CallIndex table: one row per (subject, call) for every subject on a call (organizer and
 * invitees), so that "my calls" is a read of one partition, in RowKey order:
 *   PK=tableKey(subject)  RK=<sort key>  {subjectId, callId, basedOn}
 * The sort key orders by startsAt, then call id: "1_<startsAt, epoch ms, 15 digits>_<call id>"; calls
 * with no startsAt come after all others, by creation: "2_<createdAt, epoch ms>_<call id>".
 */

export interface CallIndexRow {
  subjectId: string;
  callId: string;
  rowKey: string;
  etag: string;
  /** The ETag of the call record the write that put this row had read ("" for a new call). */
  basedOn: string;
  /** The server's time of the row's last write. */
  writtenAt: number;
}

export interface CallIndexPage {
  rows: CallIndexRow[];
  /** The last row key of this page, when more rows may follow. */
  after?: string;
}

export interface CallIndex {
  /** Idempotent. */
  put(subjectId: string, rowKey: string, callId: string, basedOn: string): Promise<void>;
  read(subjectId: string, rowKey: string): Promise<CallIndexRow | undefined>;
  /** With the row's etag: a row written again since it was read stays. */
  remove(row: Pick<CallIndexRow, 'subjectId' | 'rowKey' | 'etag'>): Promise<void>;
  page(subjectId: string, options: { limit: number; after?: string }): Promise<CallIndexPage>;
}

const rowKeyPattern = /^[12]_\d{15}_[0-9a-f-]{36}$/;
const epochDigits = 15;

export function indexRowKey(call: Pick<Call, 'id' | 'startsAt' | 'createdAt'>): string {
  const [rank, at] = call.startsAt ? ['1', call.startsAt] : ['2', call.createdAt];
  return `${rank}_${String(Date.parse(at)).padStart(epochDigits, '0')}_${call.id}`;
}

export function createCallIndex(table: TableClient): CallIndex {
  return {
    async put(subjectId, rowKey, callId, basedOn) {
      try {
        await table.upsertEntity(
          { partitionKey: tableKey(subjectId), rowKey, subjectId, callId, basedOn },
          'Replace',
        );
      } catch (error) {
        throw asStorageUnavailable(error);
      }
    },
    async read(subjectId, rowKey) {
      try {
        return toRow(await table.getEntity<Record<string, unknown>>(tableKey(subjectId), rowKey));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async remove(row) {
      try {
        await table.deleteEntity(tableKey(row.subjectId), row.rowKey, { etag: row.etag });
      } catch (error) {
        if (isNotFound(error) || isPreconditionFailed(error)) return;
        throw asStorageUnavailable(error);
      }
    },
    async page(subjectId, { limit, after }) {
      const partitionKey = tableKey(subjectId);
      const filter =
        after === undefined
          ? odata`PartitionKey eq ${partitionKey}`
          : odata`PartitionKey eq ${partitionKey} and RowKey gt ${after}`;
      const rows: CallIndexRow[] = [];
      try {
        // One row more than asked tells whether another page follows. The service may answer with
        // fewer rows and a continuation of its own: the SDK follows it.
        const pages = table
          .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
          .byPage({ maxPageSize: limit + 1 });
        for await (const entities of pages) {
          rows.push(...entities.map(toRow));
          if (rows.length > limit) break;
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      return { rows: page, ...(more ? { after: page[page.length - 1]?.rowKey ?? '' } : {}) };
    },
  };
}

function toRow(
  entity: Record<string, unknown> & { rowKey?: string; etag: string; timestamp?: string },
): CallIndexRow {
  return {
    subjectId: String(entity.subjectId ?? ''),
    callId: String(entity.callId ?? ''),
    rowKey: entity.rowKey ?? '',
    etag: entity.etag,
    basedOn: String(entity.basedOn ?? ''),
    writtenAt: Date.parse(entity.timestamp ?? '') || 0,
  };
}

const continuationSchema = z.object({ after: z.string().regex(rowKeyPattern) }).strict();

/** Opaque to clients: where the next page starts, in the caller's own partition. */
export function encodeContinuation(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

export function decodeContinuation(token: string): string {
  try {
    return continuationSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).after;
  } catch {
    throw badRequest('The continuation token is not valid.', { code: 'InvalidContinuationToken' });
  }
}
