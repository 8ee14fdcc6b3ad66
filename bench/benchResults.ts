import type { AcsRequestCounts } from './acsRequestCounts';
import type { BenchOptions } from './benchOptions';
import type { ImportTime } from './coldStart/measureImportTime';
import type { SpawnToHealthy } from './coldStart/measureSpawnToHealthy';
import type { FaultLoadResult } from './faultLoad';
import type { ProcessMemory } from './hostMemory';
import type { LoadResult } from './load/loadResult';
import type { MachineInfo } from './machineInfo';
import type { CpuProfileSummary } from './profile/cpuProfileSummary';
import type { FloorName } from './scenarios/scenario';
import type { DependencyTrace } from './trace/dependencyTrace';
import type { CacheLookupWhatIf } from './whatIf/cacheLookupWhatIf';

export interface ScenarioResult {
  id: string;
  load: LoadResult;
  /** ACS operations the emulator answered during the run. */
  acsCalls: AcsRequestCounts;
  acsCallsPerRequest: number;
  /** CPU time per answered request of each process (host, azurite, emulator, load generator). */
  cpuMsPerRequest: Record<string, number>;
  /** e.g. "table read + ACS getToken"; absent when a floor it needs was not measured. */
  floor?: { composition: string; p50Ms: number };
  /** Scenario p50 / floor p50. */
  overheadRatio?: number;
  caveat?: string;
  profile?: { file: string; summary: CpuProfileSummary };
}

export interface TargetStatus {
  target: string;
  actual: string;
  met: boolean | undefined;
}

/** Everything one run measured: what `bench/results.json` holds. */
export interface BenchResults {
  machine: MachineInfo;
  options: Omit<BenchOptions, 'resultsFile'>;
  floors: Partial<Record<FloorName, LoadResult>>;
  scenarios: ScenarioResult[];
  /** The same floors and scenarios at one connection: latency with nothing queued. */
  alone?: { floors: Partial<Record<FloorName, LoadResult>>; scenarios: ScenarioResult[] };
  coldStart?: { importTime: ImportTime; spawnToHealthy: SpawnToHealthy };
  hostMemory?: ProcessMemory;
  /** The token-cache lookup as the service makes it and as proposed, same rows and load shape. */
  cacheLookupWhatIf?: CacheLookupWhatIf;
  /** Dependency calls per request, counted one request at a time on a second host. */
  dependencyTraces?: DependencyTrace[];
  faults?: FaultLoadResult;
  targets: TargetStatus[];
  skipped: string[];
}
