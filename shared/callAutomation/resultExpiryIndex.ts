import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { asStorageUnavailable } from '../storage/storageFailure';
import { deleteTableRow, upsertTableRow } from '../storage/tableRow';

/*
 * Layout of the CallResultExpiry table: every sealed result, found by when it must be gone.
 *   PK=<the UTC hour it expires in, "2025-06-01T13">  RK=<call id>_<operation id>  {callId, operationId, expiresAt}
 * A row is written before the result it names, so no result is ever stored that a sweep cannot find (a row
 * whose result never came is harmless), and deleted once the operation's row holds no result. Keyed by the
 * hour: a sweep reads only what is due, oldest first, without scanning the calls themselves.
 */

export interface ResultExpiryEntry {
  callId: string;
  operationId: string;
  /** ISO 8601, UTC: the operation's resultExpiresAt. */
  expiresAt: string;
  etag: string;
}

export interface ResultExpiryIndex {
  /** Idempotent: the same result noted again writes the same row. */
  note(callId: string, operationId: string, expiresAt: string): Promise<void>;
  /** The entries due by `now`, a page at a time, oldest hour first. */
  due(now: Date, pageSize: number): AsyncIterable<ResultExpiryEntry[]>;
  /** Gone already is fine; a row noted again since it was read stays. */
  forget(entry: ResultExpiryEntry): Promise<void>;
}

/** The partition of a time: its UTC hour, as the first 13 characters of its ISO 8601 form. */
const hourOf = (iso: string) => iso.slice(0, 13);

const entrySchema = z.object({
  callId: z.string(),
  operationId: z.string(),
  expiresAt: z.string(),
  etag: z.string(),
});

export function createResultExpiryIndex(table: TableClient): ResultExpiryIndex {
  return {
    note: (callId, operationId, expiresAt) =>
      upsertTableRow(table, {
        partitionKey: hourOf(expiresAt),
        rowKey: `${callId}_${operationId}`,
        callId,
        operationId,
        expiresAt,
      }),

    async *due(now, pageSize) {
      const at = now.toISOString();
      // Every partition up to this hour; in this hour, only what expired by now. ISO strings of one format
      // compare as the times they name.
      const filter = odata`PartitionKey le ${hourOf(at)} and expiresAt le ${at}`;
      try {
        for await (const page of table
          .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
          .byPage({ maxPageSize: pageSize })) {
          yield page.map((row) => entrySchema.parse(row));
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
    },

    forget: (entry) =>
      deleteTableRow(table, hourOf(entry.expiresAt), `${entry.callId}_${entry.operationId}`, entry.etag),
  };
}
