import { acsRequestsBetween, readAcsRequestCounts, type AcsRequestCounts } from './acsRequestCounts';
import { benchIdentityClient } from './floors/acsTokenFloor';
import { expectJson } from './httpJson';
import type { LoadShape } from './load/autocannonLoad';
import { runClosedLoop } from './load/closedLoopLoad';
import type { LoadResult } from './load/loadResult';
import type { Scenario } from './scenarios/scenario';

export interface FaultInjection {
  /** Of the ACS token requests made, about this share is answered 429. */
  share: number;
  retryAfterSeconds: number;
  everyMs: number;
  /** Queued at once half-way: enough in a row that some requests run out of retries (the 503 path). */
  burst: number;
}

export interface FaultLoadResult {
  load: LoadResult;
  injection: FaultInjection;
  /** Faults queued; each turns one ACS token request into a 429. */
  injected: number;
  /** Of those, answered to the service during the run (the rest were drained after it). */
  answered429: number;
  acsCalls: AcsRequestCounts;
  /** Must be 0: a throttled dependency is a 503 with Retry-After, never another 5xx. */
  other5xx: number;
  status503: number;
}

const operation = 'issueAccessToken';

/**
 * Token-miss load while the emulator answers a share of the ACS token requests with 429 and a
 * Retry-After. The emulator serves queued faults to the next requests in order, so faults are queued
 * in step with the traffic it saw (share × the requests since the last batch): a fixed rate would
 * either starve the run or, once retries pile up, fail every request. One burst half-way makes some
 * requests meet 429 on every try, so the retries-exhausted path (503) is exercised too. The load is driven in a closed
 * loop with fetch so that requests still in their retries at the end are waited for and counted.
 */
export async function runFaultLoad(
  hostUrl: string,
  emulatorUrl: string,
  acsConnectionString: string,
  scenario: Scenario,
  shape: LoadShape,
  injection: FaultInjection,
): Promise<FaultLoadResult> {
  const before = await readAcsRequestCounts(emulatorUrl);
  let seen = before[operation] ?? 0;
  let injected = 0;
  let pending = Promise.resolve();
  const injectForTraffic = async () => {
    const now = (await readAcsRequestCounts(emulatorUrl))[operation] ?? 0;
    const count = Math.round((now - seen) * injection.share);
    seen = now;
    if (count >= 1) await inject(count);
  };
  const inject = async (count: number) => {
    await expectJson(`${emulatorUrl}__emulator/faults`, 204, {
      method: 'POST',
      body: { count, status: 429, retryAfterSeconds: injection.retryAfterSeconds, operation },
    });
    injected += count;
  };
  const queue = (step: () => Promise<void>) => {
    pending = pending.then(step).catch((error: unknown) => {
      console.error(`fault injection failed: ${String(error)}`);
    });
  };
  // Stops a second early, so that the last faults are used up by the run, not left queued after it.
  const stopAt = Date.now() + shape.durationSeconds * 1000 - 1000;
  const timer = setInterval(() => {
    if (Date.now() < stopAt) queue(injectForTraffic);
  }, injection.everyMs);
  const burst = setTimeout(() => queue(() => inject(injection.burst)), (shape.durationSeconds * 1000) / 2);
  let load: LoadResult;
  try {
    load = await runClosedLoop(`${scenario.name}, ACS 429s injected`, shape, async () => {
      const request = scenario.nextRequest();
      const response = await fetch(`${hostUrl}${request.path}`, {
        method: request.method,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      await response.arrayBuffer();
      return response.status;
    });
  } finally {
    clearInterval(timer);
    clearTimeout(burst);
    await pending;
  }
  const acsCalls = acsRequestsBetween(before, await readAcsRequestCounts(emulatorUrl));
  const leftOver = await drainFaults(acsConnectionString);
  const count = (predicate: (status: number) => boolean) =>
    Object.entries(load.statusCounts)
      .filter(([status]) => predicate(Number(status)))
      .reduce((sum, [, n]) => sum + n, 0);
  return {
    load,
    injection,
    injected,
    answered429: injected - leftOver,
    acsCalls,
    other5xx: count((status) => status >= 500 && status !== 503),
    status503: count((status) => status === 503),
  };
}

/** Uses up faults still queued after the run (so nothing after it meets them); says how many there were. */
async function drainFaults(acsConnectionString: string): Promise<number> {
  const client = benchIdentityClient(acsConnectionString);
  const user = await client.createUser();
  for (let drained = 0; drained < 10_000; drained++) {
    try {
      await client.getToken(user, ['voip']);
      return drained;
    } catch (error) {
      if (Reflect.get(error as object, 'statusCode') !== 429) throw error;
    }
  }
  throw new Error('the emulator kept answering 429 after the fault run');
}
