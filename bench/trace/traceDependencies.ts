import { freePort } from '../../local/freePort';
import type { ChildProcessGroup } from '../childProcessGroup';
import { startHostProcess, type HostIdentity } from '../hostProcess';
import type { Scenario } from '../scenarios/scenario';
import { traceScenario, type DependencyTrace } from './dependencyTrace';
import { startAcsCallRecorder } from './acsCallRecorder';
import { startTableCallRecorder } from './tableCallRecorder';

/** How long the recorders hold each answer (see recordingProxy): well above a busy machine's scheduling lag. */
const answerDelayMs = 25;

/**
 * Counts the dependency calls behind each scenario's requests: a second host, whose Table and ACS traffic
 * goes through recorders, serves a few requests of each, one at a time. It trusts the bench host's
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
  // Answers held a while, so calls made together are seen together however busy the machine is.
  const recorder = await startTableCallRecorder(identity.tablesConnectionString, { answerDelayMs });
  const acsRecorder = await startAcsCallRecorder(identity.acsConnectionString, { answerDelayMs });
  const host = await startHostProcess(
    group,
    {
      ...identity,
      tablesConnectionString: recorder.connectionString,
      acsConnectionString: acsRecorder.connectionString,
      port: await freePort(),
    },
    [],
    { AUTH_ISSUER: `http://localhost:${identity.port}/dev` },
  );
  try {
    const url = host.url.replace('//localhost:', '//127.0.0.1:');
    // The first requests pay for discovery, the JWKS and creating the tables: part of no scenario. This host
    // reaches ACS at the recorder's address, another endpoint, so another ACS key fingerprint: what the bench
    // host cached is a miss here. The warm-up asks for the very users the traced hits will (each scenario
    // starts at the first seeded user), so those are cached by this host and the hit trace sees hits.
    await traceScenario(warmUp, url, emulatorUrl, recorder, acsRecorder, requestsEach);
    const traces: DependencyTrace[] = [];
    for (const scenario of scenarios) {
      traces.push(await traceScenario(scenario, url, emulatorUrl, recorder, acsRecorder, requestsEach));
    }
    return traces;
  } finally {
    await host.child.stop();
    await recorder.close();
    await acsRecorder.close();
  }
}
