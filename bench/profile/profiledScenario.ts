import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ScenarioResult } from '../benchResults';
import type { ChildProcessGroup } from '../childProcessGroup';
import { startHostProcess, type HostIdentity, type HostProcess } from '../hostProcess';
import { runAutocannon, type LoadShape } from '../load/autocannonLoad';
import type { Scenario } from '../scenarios/scenario';
import { summarizeCpuProfile } from './cpuProfileSummary';

export interface ProfiledRun {
  group: ChildProcessGroup;
  identity: HostIdentity;
  /** Warms the new host (JWKS discovery, JIT) before the measured run; not recorded. */
  warmUp: Scenario;
  profileDir: string;
}

/**
 * Runs a scenario against a host started for it under `node --cpu-prof`, stops that host (which writes
 * the profile) and summarizes the part of the profile that was under load. Azurite, the emulator,
 * the dev sign-in key and the cache key are the same as before the restart, so nothing else changes.
 */
export async function profiledScenario(
  run: ProfiledRun,
  scenario: Scenario,
  measure: (host: HostProcess) => Promise<ScenarioResult>,
  shape: LoadShape,
): Promise<ScenarioResult> {
  const dir = join(run.profileDir, scenario.id);
  const host = await startHostProcess(run.group, run.identity, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  let result: ScenarioResult;
  let loadStarted: number;
  let loadEnded: number;
  try {
    await runAutocannon('warm-up', host.url, { ...shape, durationSeconds: 1 }, () =>
      run.warmUp.nextRequest(),
    );
    loadStarted = performance.now();
    result = await measure(host);
    loadEnded = performance.now();
  } finally {
    await host.child.stop();
  }
  const exited = performance.now();
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile was written to ${dir}`);
  const summary = summarizeCpuProfile(join(dir, file), {
    fromEndUs: (exited - loadStarted) * 1000,
    toEndUs: (exited - loadEnded) * 1000,
  });
  return { ...result, profile: { file: join(dir, file), summary } };
}
