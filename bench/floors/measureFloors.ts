import { availableParallelism } from 'node:os';
import { benchPids, type BenchStack } from '../benchStack';
import type { LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';
import { measureCpu } from '../load/processCpu';
import { progress } from '../progress';
import type { FloorName } from '../scenarios/scenario';
import { measureAcsCreateUserFloor, measureAcsTokenFloor } from './acsTokenFloor';
import { measureBareHttpFloor, startBareHttpServer } from './bareHttpFloor';
import { measureTablePartitionQueryFloor } from './tablePartitionQueryFloor';
import { measureTableReadFloor } from './tableReadFloor';
import { measureTableWriteFloor } from './tableWriteFloor';

export const floorNames: readonly FloorName[] = [
  'bareHttp',
  'tableRead',
  'tableInsert',
  'partitionQuery50',
  'acsGetToken',
  'acsCreateUserAndToken',
];

export type Floors = Partial<Record<FloorName, LoadResult>>;

export interface FloorInputs {
  /** Seeded subjects, whose mapping rows the table-read floor reads. */
  subjects: readonly string[];
  /** The subject invited to 50 calls, whose index partition the query floor reads; absent without calls. */
  busySubject?: string;
}

/**
 * The dependency calls the scenarios are made of, made directly against the same Azurite and
 * emulator, at the given load shape; with the CPU that other processes used meanwhile.
 */
export async function measureFloors(
  stack: BenchStack,
  names: readonly FloorName[],
  inputs: FloorInputs,
  shape: LoadShape,
): Promise<Floors> {
  const bare = names.includes('bareHttp') ? await startBareHttpServer(stack.group) : undefined;
  const pids = { ...benchPids(stack), ...(bare ? { 'bare http': bare.child.pid } : {}) };
  const floors: Floors = {};
  try {
    for (const name of names) {
      const measure = floorMeasurement(name, stack, inputs, shape, bare?.url);
      if (!measure) continue;
      progress(`floor: ${name}${shape.connections === 1 ? ' (1 connection)' : ''}`);
      const { result, otherMs } = await measureCpu(pids, measure);
      floors[name] = {
        ...result,
        otherLoadPercent: (100 * otherMs) / (result.durationSeconds * 1000 * availableParallelism()),
      };
    }
  } finally {
    await bare?.child.stop();
  }
  return floors;
}

/** How to measure one floor, or undefined when what it reads does not exist in this run. */
function floorMeasurement(
  name: FloorName,
  stack: BenchStack,
  inputs: FloorInputs,
  shape: LoadShape,
  bareHttpUrl: string | undefined,
): (() => Promise<LoadResult>) | undefined {
  const { tablesConnectionString, acsConnectionString } = stack.identity;
  const { busySubject } = inputs;
  switch (name) {
    case 'bareHttp':
      return bareHttpUrl === undefined ? undefined : () => measureBareHttpFloor(bareHttpUrl, shape);
    case 'tableRead':
      return () => measureTableReadFloor(tablesConnectionString, inputs.subjects, shape);
    case 'tableInsert':
      return () => measureTableWriteFloor(tablesConnectionString, shape);
    case 'partitionQuery50':
      return busySubject === undefined
        ? undefined
        : () => measureTablePartitionQueryFloor(tablesConnectionString, busySubject, 50, shape);
    case 'acsGetToken':
      return () => measureAcsTokenFloor(acsConnectionString, shape);
    case 'acsCreateUserAndToken':
      return () => measureAcsCreateUserFloor(acsConnectionString, shape);
  }
}
