import { performance } from 'node:perf_hooks';
import { freePort } from '../../local/freePort';
import type { ChildProcessGroup } from '../childProcessGroup';
import { hostEnvironment, type HostIdentity } from '../hostProcess';
import { repoPaths, repoRoot } from '../repoPaths';
import { waitUntil } from '../waitUntil';
import { median } from './median';

export interface SpawnToHealthy {
  runsMs: number[];
  medianMs: number;
  /** Spawn to the first HTTP answer of any status: the host listening, before the health checks pass. */
  firstAnswerMedianMs: number;
}

/**
 * From spawning `node dist/local/start.js` (against the running Azurite and emulator) to the first 200
 * from `/api/health`, polled every 5 ms from the moment of the spawn.
 */
export async function measureSpawnToHealthy(
  group: ChildProcessGroup,
  identity: HostIdentity,
  runs: number,
): Promise<SpawnToHealthy> {
  const runsMs: number[] = [];
  const firstAnswersMs: number[] = [];
  // One untimed start first: it creates the dev sign-in key that every later start (and `npm start`
  // after its first run) reads from the data folder.
  for (let run = -1; run < runs; run++) {
    const port = await freePort();
    const started = performance.now();
    let firstAnswer: number | undefined;
    const child = group.spawnNode({
      name: 'cold-host',
      cwd: repoRoot,
      env: hostEnvironment({ ...identity, port }),
      args: [repoPaths.localStart, '--json'],
    });
    try {
      await waitUntil(
        'the cold host to answer /api/health with 200',
        30_000,
        async () => {
          if (child.process.exitCode !== null) throw new Error(`the host exited:\n${child.recentOutput()}`);
          try {
            const response = await fetch(`http://127.0.0.1:${port}/api/health`);
            await response.arrayBuffer();
            firstAnswer ??= performance.now() - started;
            return response.status === 200;
          } catch {
            return false;
          }
        },
        5,
      );
      if (run >= 0) {
        runsMs.push(performance.now() - started);
        firstAnswersMs.push(firstAnswer ?? Number.NaN);
      }
    } finally {
      await child.stop();
    }
  }
  return { runsMs, medianMs: median(runsMs), firstAnswerMedianMs: median(firstAnswersMs) };
}
