import { acsRequestsBetween, readAcsRequestCounts } from '../acsRequestCounts';
import type { Scenario } from '../scenarios/scenario';
import type { TableCall, TableCallRecorder } from './tableCallRecorder';

export interface DependencyTrace {
  scenario: string;
  requests: number;
  /** Table calls per request, by kind and table, e.g. {"point read Subjects": 1}. */
  tableCalls: Record<string, number>;
  tableCallsPerRequest: number;
  /** Groups of Table calls that do not overlap: round trips made one after another. */
  serialTableRoundTrips: number;
  acsCallsPerRequest: Record<string, number>;
}

/**
 * Sends `requests` of a scenario one at a time to a host whose Table traffic goes through the
 * recorder, and says what each request cost in dependency calls: how many Table calls of which kind,
 * how many of them in series, and the ACS calls. Counts only: the recording proxy adds a hop to every
 * Table call, so no latency is taken from here.
 */
export async function traceScenario(
  scenario: Scenario,
  hostUrl: string,
  emulatorUrl: string,
  recorder: TableCallRecorder,
  requests: number,
): Promise<DependencyTrace> {
  const tableCalls: Record<string, number> = {};
  let rounds = 0;
  const acsBefore = await readAcsRequestCounts(emulatorUrl);
  for (let index = 0; index < requests; index++) {
    const request = scenario.nextRequest();
    recorder.take();
    const response = await fetch(`${hostUrl}${request.path}`, {
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${scenario.name}: the traced request answered ${response.status}`);
    const calls = recorder.take();
    for (const call of calls) {
      const name = `${call.kind} ${call.table.replace(/^acs/, '')}`;
      tableCalls[name] = (tableCalls[name] ?? 0) + 1;
    }
    rounds += serialGroups(calls).length;
  }
  const acs = acsRequestsBetween(acsBefore, await readAcsRequestCounts(emulatorUrl));
  const perRequest = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / requests]));
  return {
    scenario: scenario.name,
    requests,
    tableCalls: perRequest(tableCalls),
    tableCallsPerRequest: Object.values(tableCalls).reduce((sum, count) => sum + count, 0) / requests,
    serialTableRoundTrips: rounds / requests,
    acsCallsPerRequest: perRequest(acs),
  };
}

/** Merges overlapping calls: each group is one round trip the request waited for. */
function serialGroups(calls: TableCall[]): Array<{ start: number; end: number }> {
  const groups: Array<{ start: number; end: number }> = [];
  for (const call of [...calls].sort((a, b) => a.startedMs - b.startedMs)) {
    const last = groups[groups.length - 1];
    if (last && call.startedMs <= last.end) last.end = Math.max(last.end, call.endedMs);
    else groups.push({ start: call.startedMs, end: call.endedMs });
  }
  return groups;
}
