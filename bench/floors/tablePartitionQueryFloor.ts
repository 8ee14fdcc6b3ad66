import { odata, TableClient } from '@azure/data-tables';
import { tableKey } from '../../shared/storage/tableKey';
import { runClosedLoop } from '../load/closedLoopLoad';
import type { LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';

/**
 * The one partition query "my calls" cannot do without: the caller's own CallIndex partition (keyed
 * as shared/calls keys it), read whole, in the same table the service reads, so it costs what the
 * service's query costs (Azurite scans a whole table for any query: its size matters).
 */
export async function measureTablePartitionQueryFloor(
  connectionString: string,
  subject: string,
  expectedRows: number,
  shape: LoadShape,
): Promise<LoadResult> {
  const table = TableClient.fromConnectionString(connectionString, 'acsCallIndex', {
    allowInsecureConnection: true,
  });
  const partitionKey = tableKey(subject);
  return runClosedLoop(`floor: partition query (${expectedRows} rows)`, shape, async () => {
    let count = 0;
    for await (const _row of table.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
    })) {
      count++;
    }
    if (count < expectedRows) throw new Error(`expected ${expectedRows} rows, read ${count}`);
  });
}
