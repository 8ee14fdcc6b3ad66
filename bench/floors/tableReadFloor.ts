import { TableClient } from '@azure/data-tables';
import { tableKey } from '../../shared/storage/tableKey';
import { runClosedLoop } from '../load/closedLoopLoad';
import type { LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';

/**
 * A Table point read with `@azure/data-tables`, of the very rows a token request must read: each
 * seeded user's mapping ("default" row of its Subjects partition, keyed as shared/identity keys it),
 * rotating through the users as the token scenarios do.
 */
export async function measureTableReadFloor(
  connectionString: string,
  subjects: readonly string[],
  shape: LoadShape,
): Promise<LoadResult> {
  const table = TableClient.fromConnectionString(connectionString, 'acsSubjects', {
    allowInsecureConnection: true,
  });
  const keys = subjects.map((subject) => tableKey(subject));
  return runClosedLoop('floor: table point read', shape, async (index) => {
    await table.getEntity(keys[index % keys.length] as string, 'default');
  });
}
