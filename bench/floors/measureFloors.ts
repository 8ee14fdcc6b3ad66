import type { LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';
import type { FloorName } from '../scenarios/scenario';
import { measureAcsCreateUserFloor, measureAcsTokenFloor } from './acsTokenFloor';
import { measureBareHttpFloor } from './bareHttpFloor';
import { measureTablePartitionQueryFloor } from './tablePartitionQueryFloor';
import { measureTableReadFloor } from './tableReadFloor';
import { measureTableWriteFloor } from './tableWriteFloor';

export interface FloorContext {
  /** The bare node:http server, when the bareHttp floor is wanted. */
  bareHttpUrl?: string;
  tablesConnectionString: string;
  acsConnectionString: string;
  /** Seeded subjects, whose mapping rows the table-read floor reads. */
  subjects: readonly string[];
  /** The subject invited to 50 calls, whose index partition the query floor reads; absent without calls. */
  busySubject?: string;
  shape: LoadShape;
}

export const floorNames: readonly FloorName[] = [
  'bareHttp',
  'tableRead',
  'tableInsert',
  'partitionQuery50',
  'acsGetToken',
  'acsCreateUserAndToken',
];

/**
 * The dependency calls the scenarios are made of, made directly, at the scenarios' load shape: how to
 * measure one floor, or undefined when what it reads does not exist in this run.
 */
export function floorMeasurement(name: FloorName, context: FloorContext): (() => Promise<LoadResult>) | undefined {
  const { shape } = context;
  const { bareHttpUrl, busySubject } = context;
  switch (name) {
    case 'bareHttp':
      return bareHttpUrl === undefined ? undefined : () => measureBareHttpFloor(bareHttpUrl, shape);
    case 'tableRead':
      return () => measureTableReadFloor(context.tablesConnectionString, context.subjects, shape);
    case 'tableInsert':
      return () => measureTableWriteFloor(context.tablesConnectionString, shape);
    case 'partitionQuery50':
      return busySubject === undefined
        ? undefined
        : () => measureTablePartitionQueryFloor(context.tablesConnectionString, busySubject, 50, shape);
    case 'acsGetToken':
      return () => measureAcsTokenFloor(context.acsConnectionString, shape);
    case 'acsCreateUserAndToken':
      return () => measureAcsCreateUserFloor(context.acsConnectionString, shape);
  }
}
