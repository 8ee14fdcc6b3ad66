import type { BenchResults, ScenarioResult } from './benchResults';
import { floorLabels } from './floors/floorLabels';
import type { LoadResult } from './load/loadResult';
import { markdownTable } from './markdownTable';
import type { FloorName } from './scenarios/scenario';
import type { DependencyTrace } from './trace/dependencyTrace';

const headers = [
  'run',
  'req/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'errors',
  'non-2xx',
  'other load %',
  'ACS calls/req',
  'floor p50 ms',
  'p50 / floor',
];

/** The figures of one run as Markdown: printed at the end, and what bench/README.md quotes. */
export function resultsReport(results: BenchResults): string {
  const { machine, options } = results;
  const floorRows = Object.entries(results.floors).map(([name, load]) =>
    loadRow(`floor: ${floorLabels[name as FloorName]}`, load, ['', '', '']),
  );
  const scenarioRows = results.scenarios.map(scenarioRow);
  const sections = [
    `Machine: nproc ${machine.nproc}, ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.date}`,
    `Load: ${options.connections} connections, ${options.durationSeconds} s per run${options.quick ? ' (--quick)' : ''}; ${options.users} seeded users${options.profile ? '; host under --cpu-prof (figures perturbed)' : ''}`,
    '',
    markdownTable(headers, [...floorRows, ...scenarioRows]),
    '',
    ...(results.alone ? [aloneTable(results.alone), ''] : []),
    cpuTable(results.scenarios),
    '',
    ...results.scenarios
      .filter((entry) => entry.floor)
      .map((entry) => `- floor of ${entry.load.name} = ${entry.floor?.composition}`),
    ...results.scenarios.map(
      (entry) => `- ACS calls during ${entry.load.name}: ${JSON.stringify(entry.acsCalls)}`,
    ),
    ...results.scenarios
      .filter((entry) => entry.caveat)
      .map((entry) => `- note on ${entry.load.name}: ${entry.caveat}`),
  ];
  if (results.dependencyTraces) sections.push('', traceTable(results.dependencyTraces));
  if (results.cacheLookupWhatIf) {
    const { query, pointReads } = results.cacheLookupWhatIf;
    const way = (entry: typeof query) =>
      `${entry.load.requestsPerSecond.toFixed(0)}/s, p50 ${ms(entry.load.latencyMs.p50)} ms, p99 ${ms(entry.load.latencyMs.p99)} ms, Azurite CPU ${ms(entry.azuriteCpuMs)} ms per lookup, errors ${entry.load.errors + entry.load.non2xx}`;
    sections.push(
      '',
      `What-if, token-cache lookup at ${query.load.connections} connections: one query (today) ${way(query)}; two point reads (proposed) ${way(pointReads)}`,
    );
  }
  if (results.coldStart) {
    const { importTime, spawnToHealthy } = results.coldStart;
    sections.push(
      '',
      `Cold start: app import median ${importTime.medianMs.toFixed(0)} ms (${importTime.functions} functions, ${importTime.modules} module files; runs ${list(importTime.runsMs)}); spawn → first healthy 200 median ${spawnToHealthy.medianMs.toFixed(0)} ms (runs ${list(spawnToHealthy.runsMs)}; first answer of any status ${spawnToHealthy.firstAnswerMedianMs.toFixed(0)} ms)`,
      `Same app unbundled (${importTime.unbundled.main}, imports resolved in node_modules), same run: import median ${importTime.unbundled.medianMs.toFixed(0)} ms, ${importTime.unbundled.modules} module files (runs ${list(importTime.unbundled.runsMs)})`,
      `Unbundled import self time by package (one extra run): ${Object.entries(importTime.selfMsByPackage)
        .slice(0, 12)
        .map(([name, ms]) => `${name} ${ms} ms (${importTime.modulesByPackage[name] ?? 0} files)`)
        .join(', ')}`,
    );
  }
  if (results.hostMemory) {
    sections.push(
      `Host memory after the load: peak RSS (VmHWM) ${results.hostMemory.peakRssMb.toFixed(0)} MB, RSS ${results.hostMemory.rssMb.toFixed(0)} MB`,
    );
  }
  if (results.faults) {
    const { load, answered429, injection, acsCalls, other5xx, status503 } = results.faults;
    sections.push(
      '',
      `Under ACS 429s (${answered429} of ${acsCalls.issueAccessToken ?? 0} ACS token requests answered 429, Retry-After ${injection.retryAfterSeconds} s, a burst of ${injection.burst} half-way): ${load.requests} answers in ${load.durationSeconds.toFixed(1)} s, statuses ${JSON.stringify(load.statusCounts)}, 503: ${status503}, other 5xx: ${other5xx}, errors: ${load.errors}, p50 ${ms(load.latencyMs.p50)} / p99 ${ms(load.latencyMs.p99)} / max ${ms(load.latencyMs.max)} ms`,
    );
  }
  sections.push(
    '',
    markdownTable(
      ['target', 'measured', 'status'],
      results.targets.map((target) => [
        target.target,
        target.actual,
        target.met === undefined ? 'not measured' : target.met ? 'met' : 'NOT MET',
      ]),
    ),
  );
  const errorNotes = [
    ...results.scenarios.map((entry) => entry.load),
    ...(results.faults ? [results.faults.load] : []),
  ]
    .filter((load) => load.errorSamples)
    .map((load) => `- errors in ${load.name}: ${load.errorSamples?.join(' | ')}`);
  if (errorNotes.length > 0) sections.push('', ...errorNotes);
  if (results.skipped.length > 0) sections.push('', `Skipped: ${results.skipped.join('; ')}`);
  for (const entry of results.scenarios.filter((scenario) => scenario.profile)) {
    const summary = entry.profile?.summary;
    if (!summary) continue;
    sections.push(
      '',
      `Profile of ${entry.load.name} (${entry.profile?.file}): ${summary.busyMs.toFixed(0)} ms busy of ${summary.windowMs.toFixed(0)} ms`,
      markdownTable(
        ['package (self time)', 'ms', '%'],
        summary.byPackage.map((row) => [row.name, ms(row.selfMs), row.percent.toFixed(1)]),
      ),
      markdownTable(
        ['function (self time)', 'ms', '%'],
        summary.topFunctions.map((row) => [row.name, ms(row.selfMs), row.percent.toFixed(1)]),
      ),
    );
  }
  return sections.join('\n');
}

/** At one connection nothing queues: what is left of the overhead is the service's own serial work. */
function aloneTable(alone: NonNullable<BenchResults['alone']>): string {
  const rows = [
    ...Object.entries(alone.floors).map(([name, load]) => [
      `floor: ${floorLabels[name as FloorName]}`,
      load.requestsPerSecond.toFixed(0),
      ms(load.latencyMs.p50),
      ms(load.latencyMs.p99),
      String(load.errors + load.non2xx),
      '',
      '',
    ]),
    ...alone.scenarios.map((entry) => [
      entry.load.name,
      entry.load.requestsPerSecond.toFixed(0),
      ms(entry.load.latencyMs.p50),
      ms(entry.load.latencyMs.p99),
      String(entry.load.errors + entry.load.non2xx),
      entry.floor ? ms(entry.floor.p50Ms) : 'n/a',
      entry.overheadRatio === undefined ? 'n/a' : `${entry.overheadRatio.toFixed(2)}×`,
    ]),
  ];
  return markdownTable(
    ['at 1 connection', 'req/s', 'p50 ms', 'p99 ms', 'errors + non-2xx', 'floor p50 ms', 'p50 / floor'],
    rows,
  );
}

/** Where the CPU went, per answered request: on a machine with few cores, what bounds throughput. */
function cpuTable(scenarios: ScenarioResult[]): string {
  const names = [...new Set(scenarios.flatMap((entry) => Object.keys(entry.cpuMsPerRequest)))];
  return markdownTable(
    ['CPU ms per request', ...names, 'total'],
    scenarios.map((entry) => {
      const values = names.map((name) => entry.cpuMsPerRequest[name] ?? 0);
      return [entry.load.name, ...values.map(ms), ms(values.reduce((sum, value) => sum + value, 0))];
    }),
  );
}

/** What one request costs in dependency calls, counted one request at a time. */
function traceTable(traces: DependencyTrace[]): string {
  return markdownTable(
    [
      'dependency calls per request',
      'Table calls',
      'Table rounds in series',
      'rounds in series with ACS',
      'ACS calls',
      'Table calls by kind',
    ],
    traces.map((trace) => [
      trace.scenario,
      trace.tableCallsPerRequest.toFixed(1),
      trace.serialTableRoundTrips.toFixed(1),
      trace.serialDependencyRounds.toFixed(1),
      Object.values(trace.acsCallsPerRequest)
        .reduce((sum, count) => sum + count, 0)
        .toFixed(1),
      Object.entries(trace.tableCalls)
        .map(([name, count]) => `${name} ×${Number(count.toFixed(1))}`)
        .join(', '),
    ]),
  );
}

function scenarioRow(entry: ScenarioResult): string[] {
  return loadRow(entry.load.name, entry.load, [
    entry.acsCallsPerRequest.toFixed(2),
    entry.floor ? ms(entry.floor.p50Ms) : 'n/a',
    entry.overheadRatio === undefined ? 'n/a' : `${entry.overheadRatio.toFixed(2)}×`,
  ]);
}

function loadRow(name: string, load: LoadResult, extra: string[]): string[] {
  return [
    name,
    load.requestsPerSecond.toFixed(0),
    ms(load.latencyMs.p50),
    ms(load.latencyMs.p99),
    ms(load.latencyMs.max),
    String(load.errors),
    String(load.non2xx),
    load.otherLoadPercent === undefined ? '' : load.otherLoadPercent.toFixed(0),
    ...extra,
  ];
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function list(values: number[]): string {
  return values.map((value) => value.toFixed(0)).join(', ');
}
