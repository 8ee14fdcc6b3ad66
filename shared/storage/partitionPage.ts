import { odata, type TableClient } from '@azure/data-tables';
import { asStorageUnavailable } from './storageFailure';

export type PartitionRow = Record<string, unknown> & { rowKey?: string; etag: string; timestamp?: string };

export interface PartitionPage {
  rows: PartitionRow[];
  /** The last row key of this page, when more rows follow. */
  after?: string;
}

/**
 * Up to `limit` rows of one partition in row-key order, after a row key. One row more than asked tells
 * whether another page follows; storage may answer with fewer rows and a continuation of its own, which
 * the SDK follows.
 */
export async function readPartitionPage(
  table: TableClient,
  partitionKey: string,
  options: { limit: number; after?: string | undefined },
): Promise<PartitionPage> {
  const filter =
    options.after === undefined
      ? odata`PartitionKey eq ${partitionKey}`
      : odata`PartitionKey eq ${partitionKey} and RowKey gt ${options.after}`;
  const rows: PartitionRow[] = [];
  try {
    const pages = table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({
      maxPageSize: options.limit + 1,
    });
    for await (const entities of pages) {
      rows.push(...entities);
      if (rows.length > options.limit) break;
    }
  } catch (error) {
    throw asStorageUnavailable(error);
  }
  const page = rows.slice(0, options.limit);
  return rows.length > options.limit
    ? { rows: page, after: page[page.length - 1]?.rowKey ?? '' }
    : { rows: page };
}
