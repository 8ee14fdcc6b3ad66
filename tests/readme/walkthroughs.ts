import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { repoRoot, type LocalService } from '../support/localService';

export const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
const run = promisify(execFile);

/** A ```bash block of the README that starts with `# walkthrough: <name>`. */
export function walkthrough(name: string): string {
  const block = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .find((body) => body.startsWith(`# walkthrough: ${name}\n`));
  if (!block) throw new Error(`README has no walkthrough '${name}'`);
  return block;
}

/**
 * Runs a walkthrough exactly as printed. The service listens on a port of its own, not 7071: the script
 * finds it the way a developer's shell does, through what the running service wrote to its data dir.
 * `env` is what a reader would have in their shell (e.g. the emulator URL `npm start` printed).
 */
export async function runWalkthrough(
  name: string,
  service: LocalService,
  env: Record<string, string> = {},
): Promise<string> {
  const script = walkthrough(name);
  expect(script).toMatch(/^BASE=\$\(npm run -s url\)/m);
  expect(service.url).not.toMatch(/:7071$/);
  const { SERVICE_URL: _unset, PORT: _default, ...shell } = process.env;
  const { stdout } = await run('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd: repoRoot,
    env: { ...shell, LOCAL_DATA_DIR: service.dataDir, ...env },
    timeout: 60_000,
  });
  return stdout;
}
