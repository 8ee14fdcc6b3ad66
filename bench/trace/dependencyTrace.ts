import { acsRequestsBetween, readAcsRequestCounts } from '../acsRequestCounts';
import type { Scenario } from '../scenarios/scenario';
import type { AcsCallRecorder } from './acsCallRecorder';
import type { TableCallRecorder } from './tableCallRecorder';

export interface DependencyTrace {
  scenario: string;
  requests: number;
  /** Table calls per request, by kind and table, e.g. {"point read Subjects": 1}. */
  tableCalls: Record<string, number>;
  tableCallsPerRequest: number;
  /** Groups of Table calls that do not overlap: round trips made one after another. */
  serialTableRoundTrips: number;
  /**
   * The same over Table and ACS calls together: the dependency rounds the request waited for one after
   * another (what the speed issue's "dependency rounds in series" counts).
   */
  serialDependencyRounds: number;
  acsCallsPerRequest: Record<string, number>;
}

/**
 * Sends `requests` of a scenario one at a time to a host whose Table and ACS traffic goes through the
 * recorders, and says what each request cost in dependency calls: how many Table calls of which kind, the
 * ACS calls (counted by the emulator), and how many rounds ran in series, of Table calls alone and of Table
 * and ACS calls together. Counts only: the recording proxies add a hop to every call, so no latency is taken
 * from here.
 */
export async function traceScenario(
  scenario: Scenario,
  hostUrl: string,
  emulatorUrl: string,
  recorder: TableCallRecorder,
  acsRecorder: AcsCallRecorder,
  requests: number,
): Promise<DependencyTrace> {
  const tableCalls: Record<string, number> = {};
  let rounds = 0;
  let dependencyRounds = 0;
  const acsBefore = await readAcsRequestCounts(emulatorUrl);
  for (let index = 0; index < requests; index++) {
    const request = scenario.nextRequest();
    recorder.take();
    acsRecorder.take();
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
    dependencyRounds += serialGroups([...calls, ...acsRecorder.take()]).length;
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
    serialDependencyRounds: dependencyRounds / requests,
    acsCallsPerRequest: perRequest(acs),
  };
}

/** Merges overlapping calls: each group is one round trip the request waited for. */
function serialGroups(
  calls: Array<{ startedMs: number; endedMs: number }>,
): Array<{ start: number; end: number }> {
  const groups: Array<{ start: number; end: number }> = [];
  for (const call of [...calls].sort((a, b) => a.startedMs - b.startedMs)) {
    const last = groups[groups.length - 1];
    if (last && call.startedMs <= last.end) last.end = Math.max(last.end, call.endedMs);
    else groups.push({ start: call.startedMs, end: call.endedMs });
  }
  return groups;
}
