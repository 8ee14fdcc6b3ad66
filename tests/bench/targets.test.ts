import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../bench/baseline/baselineBuild';
import { readBenchOptions } from '../../bench/benchOptions';
import type { BenchResults, ScenarioResult } from '../../bench/benchResults';
import { machineInfo } from '../../bench/machineInfo';
import { resultsReport } from '../../bench/resultsReport';
import { baselineScenarioId } from '../../bench/scenarios/scenarioSet';
import { evaluateTargets } from '../../bench/targets';
import type { DependencyTrace } from '../../bench/trace/dependencyTrace';

const { resultsFile: _resultsFile, ...options } = readBenchOptions([], {}, '/dev/null');

function scenario(id: string, requestsPerSecond: number, errors = 0): ScenarioResult {
  return {
    id,
    load: {
      name: id,
      driver: 'autocannon',
      connections: 16,
      durationSeconds: 10,
      requests: requestsPerSecond * 10,
      requestsPerSecond,
      latencyMs: { p50: 5, p99: 9, max: 12 },
      errors,
      non2xx: 0,
      statusCounts: { '200': requestsPerSecond * 10 },
    },
    acsCalls: {},
    acsCallsPerRequest: 1,
    cpuMsPerRequest: { host: 1 },
  };
}

function firstTokenTrace(tableRounds: number, dependencyRounds: number): DependencyTrace {
  return {
    scenario: 'token: first (new user)',
    requests: 10,
    tableCalls: {},
    tableCallsPerRequest: 7,
    serialTableRoundTrips: tableRounds,
    serialDependencyRounds: dependencyRounds,
    acsCallsPerRequest: { createIdentity: 1 },
  };
}

const target = (results: Omit<BenchResults, 'targets'>, start: string) =>
  evaluateTargets(results).find((entry) => entry.target.startsWith(start));

describe('bench targets', () => {
  it('counts errors of this build’s scenarios only: the baseline build’s are its own', () => {
    const results = {
      machine: machineInfo(),
      options,
      floors: {},
      scenarios: [scenario('first-token', 300), scenario(baselineScenarioId, 100, 40)],
      skipped: [],
    };
    expect(target(results, 'no errors')).toMatchObject({ actual: '0', met: true });
    expect(target(results, 'first token req/s')?.actual).toContain('the baseline had 40 errors');
  });

  it('judges the first token on dependency rounds in series, ACS included, not on Table rounds alone', () => {
    const results = {
      machine: machineInfo(),
      options,
      floors: {},
      scenarios: [],
      dependencyTraces: [firstTokenTrace(4, 5)],
      skipped: [],
    };
    expect(target(results, 'first token: <= 4 dependency rounds')).toMatchObject({ met: false });
    expect(target(results, 'first token: <= 4 dependency rounds')?.actual).toBe(
      '5.00 rounds (4.00 Table), 1.00 ACS',
    );
  });

  it('a baseline commit missing from the clone is a reason to skip, shown in the report', async () => {
    const missing = '0000000000000000000000000000000000000001';
    await expect(buildBaseline(missing)).rejects.toThrow(/not in this clone/);
    const results = {
      machine: machineInfo(),
      options: { ...options, baseline: missing },
      floors: {},
      scenarios: [scenario('first-token', 300)],
      skipped: [`first-token baseline at ${missing}: commit ${missing} is not in this clone`],
    };
    const report = resultsReport({ ...results, targets: evaluateTargets(results) });
    expect(report).toContain(`Skipped: first-token baseline at ${missing}`);
    expect(report).toContain('no baseline run (see Skipped)');
  });
});
