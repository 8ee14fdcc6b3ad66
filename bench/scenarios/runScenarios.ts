import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from '../benchResults';
import { benchPids, loopback, type BenchStack } from '../benchStack';
import type { Floors } from '../floors/measureFloors';
import { startHostProcess, type HostProcess } from '../hostProcess';
import type { LoadShape } from '../load/autocannonLoad';
import { profiledScenario } from '../profile/profiledScenario';
import { progress } from '../progress';
import { repoRoot } from '../repoPaths';
import { runScenario, type ScenarioEnvironment } from './runScenario';
import type { Scenario } from './scenario';

/** Every scenario in turn against the bench host. */
export async function runScenarios(
  stack: BenchStack,
  scenarios: Scenario[],
  floors: Floors,
  shape: LoadShape,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    progress(`scenario: ${scenario.name}${shape.connections === 1 ? ' (1 connection)' : ''}`);
    results.push(await runScenario(scenario, environment(stack, stack.host, floors, shape)));
  }
  return results;
}

/**
 * Every scenario in turn, each against a host of its own started under `node --cpu-prof`. Those hosts
 * take the bench host's port (the dev issuer's URL, which the bearers name), so it steps aside
 * meanwhile and is started again at the end.
 */
export async function runProfiledScenarios(
  stack: BenchStack,
  scenarios: Scenario[],
  floors: Floors,
  shape: LoadShape,
  warmUp: Scenario,
): Promise<ScenarioResult[]> {
  await stack.host.child.stop();
  const profileDir = join(repoRoot, 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(profileDir, { recursive: true });
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    progress(`scenario under --cpu-prof: ${scenario.name}`);
    results.push(
      await profiledScenario(
        { group: stack.group, identity: stack.identity, warmUp, profileDir },
        scenario,
        (host) => runScenario(scenario, environment(stack, host, floors, shape)),
        shape,
      ),
    );
  }
  stack.host = await startHostProcess(stack.group, stack.identity);
  return results;
}

export function environment(
  stack: BenchStack,
  host: HostProcess,
  floors: Floors,
  shape: LoadShape,
): ScenarioEnvironment {
  return {
    hostUrl: loopback(host.url),
    emulatorUrl: stack.emulator.url,
    pids: benchPids(stack, host),
    shape,
    floors,
  };
}
