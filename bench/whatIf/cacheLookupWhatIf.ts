import { odata, TableClient } from '@azure/data-tables';
import { availableParallelism } from 'node:os';
import { tableKey } from '../../shared/storage/tableKey';
import { benchPids, type BenchStack } from '../benchStack';
import type { LoadShape } from '../load/autocannonLoad';
import { runClosedLoop } from '../load/closedLoopLoad';
import type { LoadResult } from '../load/loadResult';
import { measureCpu } from '../load/processCpu';

export interface LookupWay {
  load: LoadResult;
  /** Azurite's CPU per lookup. */
  azuriteCpuMs: number;
}

export interface CacheLookupWhatIf {
  /** What shared/tokens/tableTokenCache does: one query for the entry and the generation row. */
  query: LookupWay;
  /** The proposed change: the same two rows as two point reads, in parallel. */
  pointReads: LookupWay;
}

const generationRowKey = 'generation';

/**
 * The token-cache lookup both ways, on the same rows of the seeded users (PK = key of the identity,
 * RK = the scope set "voip" and "generation"), at the scenarios' load shape. Azurite answers any
 * query by scanning the whole table, so the query's cost grows with the cache; point reads use its
 * index (and are the cheapest Table operation in Azure too).
 */
export async function measureCacheLookupWhatIf(
  stack: BenchStack,
  communicationUserIds: readonly string[],
  shape: LoadShape,
): Promise<CacheLookupWhatIf> {
  const table = TableClient.fromConnectionString(stack.identity.tablesConnectionString, 'acsTokenCache', {
    allowInsecureConnection: true,
  });
  const keys = communicationUserIds.map((id) => tableKey(id));
  const keyOf = (index: number) => keys[index % keys.length] as string;
  const measure = async (
    name: string,
    lookup: (partitionKey: string) => Promise<void>,
  ): Promise<LookupWay> => {
    const { result, cpuMs, otherMs } = await measureCpu(benchPids(stack), () =>
      runClosedLoop(name, shape, (index) => lookup(keyOf(index))),
    );
    return {
      load: {
        ...result,
        otherLoadPercent: (100 * otherMs) / (result.durationSeconds * 1000 * availableParallelism()),
      },
      azuriteCpuMs: (cpuMs.azurite ?? 0) / Math.max(1, result.requests),
    };
  };
  const query = await measure('cache lookup: one query (as today)', async (partitionKey) => {
    const rows = table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${partitionKey} and (RowKey eq ${'voip'} or RowKey eq ${generationRowKey})`,
      },
    });
    for await (const _row of rows) {
      // Read to the end, as the cache does.
    }
  });
  const pointReads = await measure('cache lookup: two point reads (proposed)', async (partitionKey) => {
    await Promise.all([
      readIfExists(table, partitionKey, 'voip'),
      readIfExists(table, partitionKey, generationRowKey),
    ]);
  });
  return { query, pointReads };
}

/** A missing row (no generation row until the first revoke) is an answer, not an error. */
async function readIfExists(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await table.getEntity(partitionKey, rowKey);
  } catch (error) {
    if (Reflect.get(error as object, 'statusCode') !== 404) throw error;
  }
}
