import type { TableClient } from '@azure/data-tables';
import { decodePageToken, encodePageToken } from '../storage/pageToken';
import { readPartitionPage, type PartitionRow } from '../storage/partitionPage';
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
      const page = await readPartitionPage(table, tableKey(subjectId), { limit, after });
      return { rows: page.rows.map(toRow), ...(page.after === undefined ? {} : { after: page.after }) };
    },
  };
}

function toRow(entity: PartitionRow): CallIndexRow {
  return {
    subjectId: String(entity.subjectId ?? ''),
    callId: String(entity.callId ?? ''),
    rowKey: entity.rowKey ?? '',
    etag: entity.etag,
    basedOn: String(entity.basedOn ?? ''),
    writtenAt: Date.parse(entity.timestamp ?? '') || 0,
  };
}

/**
 * Opaque to clients: where the next page starts, bound to the partition of the subject it was issued to,
 * so that one caller's token is refused (400) on another's list instead of positioning it.
 */
export function encodeContinuation(subjectId: string, after: string): string {
  return encodePageToken(after, { partitionKey: tableKey(subjectId) });
}

export function decodeContinuation(subjectId: string, token: string): string {
  return decodePageToken(token, { rowKeyPattern, partitionKey: tableKey(subjectId) });
}
