import { availableParallelism } from 'node:os';
import { acsRequestsBetween, readAcsRequestCounts, type AcsRequestCounts } from '../acsRequestCounts';
import type { ScenarioResult } from '../benchResults';
import { floorLabels } from '../floors/floorLabels';
import { runAutocannon, type LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';
import { measureCpu } from '../load/processCpu';
import type { FloorName, Scenario } from './scenario';

export interface ScenarioEnvironment {
  hostUrl: string;
  emulatorUrl: string;
  /** Processes whose CPU time is accounted per request: host, Azurite, emulator, load generator. */
  pids: Record<string, number>;
  shape: LoadShape;
  floors: Partial<Record<FloorName, LoadResult>>;
}

/**
 * One scenario under autocannon, with the ACS calls it caused, the CPU each process spent on it and
 * its overhead over its floor. autocannon stops with requests still in the host: the ACS count is
 * read once those have settled, so they are not charged to the next scenario.
 */
export async function runScenario(
  scenario: Scenario,
  environment: ScenarioEnvironment,
): Promise<ScenarioResult> {
  const { hostUrl, emulatorUrl, shape } = environment;
  const before = await quietAcsRequestCounts(emulatorUrl);
  const {
    result: measured,
    cpuMs,
    otherMs,
  } = await measureCpu(environment.pids, () =>
    runAutocannon(scenario.name, hostUrl, shape, () => scenario.nextRequest()),
  );
  const load = {
    ...measured,
    otherLoadPercent: (100 * otherMs) / (measured.durationSeconds * 1000 * availableParallelism()),
  };
  const acsCalls = acsRequestsBetween(before, await quietAcsRequestCounts(emulatorUrl));
  const acsTotal = Object.values(acsCalls).reduce((sum, count) => sum + count, 0);
  const floor = floorOf(scenario, environment.floors);
  const caveat = [scenario.caveat?.(), acsExpectationMissed(scenario, acsCalls, load.requests)]
    .filter((text) => text !== undefined)
    .join('; ');
  const perRequest = (ms: number) => ms / Math.max(1, load.requests);
  return {
    id: scenario.id,
    load,
    acsCalls,
    acsCallsPerRequest: acsTotal / Math.max(1, load.requests),
    cpuMsPerRequest: Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, perRequest(ms)])),
    ...(floor ? { floor, overheadRatio: load.latencyMs.p50 / floor.p50Ms } : {}),
    ...(caveat ? { caveat } : {}),
  };
}

/** A miss scenario served from the cache (or the reverse) would measure the wrong path: say so. */
function acsExpectationMissed(
  scenario: Scenario,
  acsCalls: AcsRequestCounts,
  requests: number,
): string | undefined {
  const share = (acsCalls.issueAccessToken ?? 0) / Math.max(1, requests);
  if (scenario.acsTokenCalls === 'every request' && share < 0.95) {
    return `only ${(100 * share).toFixed(0)}% of requests reached ACS: not all were cache misses`;
  }
  if (scenario.acsTokenCalls === 'none' && share > 0.05) {
    return `${(100 * share).toFixed(0)}% of requests reached ACS: not all were cache hits`;
  }
  return undefined;
}

/** The sum of the p50s of the floor calls the scenario cannot avoid, in series. */
export function floorOf(
  scenario: Scenario,
  floors: Partial<Record<FloorName, LoadResult>>,
): { composition: string; p50Ms: number } | undefined {
  let p50Ms = 0;
  for (const term of scenario.floor) {
    const measured = floors[term.floor];
    if (!measured) return undefined;
    p50Ms += term.times * measured.latencyMs.p50;
  }
  const composition = scenario.floor
    .map((term) => `${term.times > 1 ? `${term.times} × ` : ''}${floorLabels[term.floor]} (${term.why})`)
    .join(' + ');
  return { composition, p50Ms };
}

/** The emulator's counts once they stop moving: nothing from the last run is still on its way. */
async function quietAcsRequestCounts(emulatorUrl: string): Promise<AcsRequestCounts> {
  let last = await readAcsRequestCounts(emulatorUrl);
  for (let waited = 0; waited < 10_000; waited += 300) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await readAcsRequestCounts(emulatorUrl);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
}
