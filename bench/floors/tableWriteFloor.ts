import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { runClosedLoop } from '../load/closedLoopLoad';
import type { LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';

/** A Table insert of a small new row, each into its own partition, as the service's writes are. */
export async function measureTableWriteFloor(
  connectionString: string,
  shape: LoadShape,
): Promise<LoadResult> {
  const table = TableClient.fromConnectionString(connectionString, 'benchFloorWrites', {
    allowInsecureConnection: true,
  });
  await table.createTable();
  const run = randomUUID();
  return runClosedLoop('floor: table insert', shape, async (index) => {
    await table.createEntity({
      partitionKey: `${run}-${index}`,
      rowKey: 'row',
      subjectId: `bench-subject-${index}`,
      state: 'ready',
      createdAt: new Date().toISOString(),
    });
  });
}
