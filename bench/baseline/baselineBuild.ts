import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../repoPaths';

const run = promisify(execFile);

export interface BaselineBuild {
  /** The commit, as given. */
  rev: string;
  /** A checkout of it, built, with this checkout's node_modules. */
  appRoot: string;
  remove(): Promise<void>;
}

/**
 * The service as it was at `rev`, built beside this one, so that a scenario can run against both in one
 * run (same machine, same Azurite and emulator, same load): the only honest "before and after". The
 * checkout shares this one's node_modules; a type error of the old code against newer packages does not
 * stop the build (tsc still emits).
 */
export async function buildBaseline(rev: string): Promise<BaselineBuild> {
  await run('git', ['-C', repoRoot, 'cat-file', '-e', `${rev}^{commit}`]).catch(() => {
    throw new Error(
      `commit ${rev} is not in this clone (a shallow clone?): \`git fetch --unshallow\` brings it, \`--baseline none\` skips it`,
    );
  });
  const appRoot = join(mkdtempSync(join(tmpdir(), 'acs-bench-baseline-')), 'app');
  await run('git', ['-C', repoRoot, 'worktree', 'add', '--detach', appRoot, rev]);
  symlinkSync(resolve(repoRoot, 'node_modules'), join(appRoot, 'node_modules'), 'dir');
  await run(process.execPath, [resolve(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: appRoot,
  }).catch((error: unknown) => {
    if (!existsSync(join(appRoot, 'dist/local/start.js'))) throw error;
  });
  return {
    rev,
    appRoot,
    remove: async () => {
      await run('git', ['-C', repoRoot, 'worktree', 'remove', '--force', appRoot]).catch(() => undefined);
    },
  };
}
