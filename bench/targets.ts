import type { BenchResults, TargetStatus } from './benchResults';

/** Where the run stands against the targets and the bench's own pass conditions. */
export function evaluateTargets(results: Omit<BenchResults, 'targets'>): TargetStatus[] {
  const scenario = (id: string) => results.scenarios.find((entry) => entry.id === id);
  const miss = scenario('token-miss');
  const hit = scenario('token-hit');
  const importMs = results.coldStart?.importTime.medianMs;
  const spawnMs = results.coldStart?.spawnToHealthy.medianMs;
  const throughputRatio = hit && miss ? hit.load.requestsPerSecond / miss.load.requestsPerSecond : undefined;
  const failures = results.scenarios.reduce((sum, entry) => sum + entry.load.errors + entry.load.non2xx, 0);
  return [
    {
      target: 'cache-miss overhead ratio at p50 <= 1.3',
      actual: fixed(miss?.overheadRatio, 2, '×'),
      met: miss?.overheadRatio === undefined ? undefined : miss.overheadRatio <= 1.3,
    },
    {
      target: 'cache hit >= 3 × cache-miss throughput',
      actual: fixed(throughputRatio, 2, '×'),
      met: throughputRatio === undefined ? undefined : throughputRatio >= 3,
    },
    {
      target: 'function app import < 300 ms (median)',
      actual: fixed(importMs, 0, ' ms'),
      met: importMs === undefined ? undefined : importMs < 300,
    },
    {
      target: 'spawn to first healthy response < 2 s (median)',
      actual: fixed(spawnMs, 0, ' ms'),
      met: spawnMs === undefined ? undefined : spawnMs < 2000,
    },
    {
      target: 'misses reached ACS, hits did not (emulator counts)',
      actual: results.scenarios
        .filter((entry) => entry.id === 'token-miss' || entry.id === 'token-hit')
        .map((entry) => `${entry.id} ${entry.acsCallsPerRequest.toFixed(2)} ACS calls/req`)
        .join(', '),
      met: miss && hit ? miss.acsCallsPerRequest >= 0.95 && hit.acsCallsPerRequest <= 0.05 : undefined,
    },
    {
      target: 'no errors or non-2xx in any scenario',
      actual: String(failures),
      met: results.scenarios.length === 0 ? undefined : failures === 0,
    },
    {
      target: 'no 5xx other than 503 under injected ACS 429s',
      actual: results.faults ? `${results.faults.other5xx} (503: ${results.faults.status503})` : 'not run',
      met: results.faults ? results.faults.other5xx === 0 : undefined,
    },
  ];
}

function fixed(value: number | undefined, digits: number, unit: string): string {
  return value === undefined || Number.isNaN(value) ? 'not measured' : `${value.toFixed(digits)}${unit}`;
}
