import type { TableClient, TableEntity, TableEntityResult } from '@azure/data-tables';
import { asStorageUnavailable, isNotFound, isPreconditionFailed } from './storageFailure';

/** One row by its keys, or undefined when there is none; storage trouble becomes a 503. */
export async function readTableRow(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
  try {
    return await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw asStorageUnavailable(error);
  }
}

/** Writes the row whole, whether or not it exists. */
export async function upsertTableRow(table: TableClient, entity: TableEntity): Promise<void> {
  try {
    await table.upsertEntity(entity, 'Replace');
  } catch (error) {
    throw asStorageUnavailable(error);
  }
}

/**
 * Deletes the row; a row already gone is a success (deletes are retried). With an ETag, a row that
 * changed since it was read is left alone: someone else's newer write wins.
 */
export async function deleteTableRow(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
  etag?: string,
): Promise<void> {
  try {
    await table.deleteEntity(partitionKey, rowKey, etag ? { etag } : {});
  } catch (error) {
    if (isNotFound(error) || (etag && isPreconditionFailed(error))) return;
    throw asStorageUnavailable(error);
  }
}
