import { freePort } from '../../local/freePort';
import type { ChildProcessGroup } from '../childProcessGroup';
import { startHostProcess, type HostIdentity } from '../hostProcess';
import type { Scenario } from '../scenarios/scenario';
import { traceScenario, type DependencyTrace } from './dependencyTrace';
import { startTableCallRecorder } from './tableCallRecorder';

/**
 * Counts the dependency calls behind each scenario's requests: a second host, whose Table traffic
 * goes through a recorder, serves a few requests of each, one at a time. It trusts the bench host's
 * dev sign-in (same issuer and audience), so the scenarios' own bearers work unchanged.
 */
export async function traceDependencies(
  group: ChildProcessGroup,
  identity: HostIdentity,
  emulatorUrl: string,
  scenarios: Scenario[],
  warmUp: Scenario,
  requestsEach: number,
): Promise<DependencyTrace[]> {
  const recorder = await startTableCallRecorder(identity.tablesConnectionString);
  const host = await startHostProcess(
    group,
    { ...identity, tablesConnectionString: recorder.connectionString, port: await freePort() },
    [],
    { AUTH_ISSUER: `http://localhost:${identity.port}/dev` },
  );
  try {
    const url = host.url.replace('//localhost:', '//127.0.0.1:');
    // The first requests pay for discovery, the JWKS and creating the tables: part of no scenario.
    await traceScenario(warmUp, url, emulatorUrl, recorder, 2);
    const traces: DependencyTrace[] = [];
    for (const scenario of scenarios) {
      traces.push(await traceScenario(scenario, url, emulatorUrl, recorder, requestsEach));
    }
    return traces;
  } finally {
    await host.child.stop();
    await recorder.close();
  }
}
