import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/localService';

/**
 * The deployable app's stacks name the TypeScript source (build/appEntry/sourceMappedStacks.ts), and
 * the map is read when a stack is first formatted, not when the bundle loads. Each case runs in a
 * fresh `node`, as the Functions worker and the local host do (vitest formats stacks its own way).
 */
const installer = path.join(repoRoot, 'dist/build/appEntry/sourceMappedStacks.js');
const thrower = path.join(repoRoot, 'tests/fixtures/package/thrower.ts');
let scratch: string;
let bundle: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'acs-stacks-'));
  bundle = path.join(scratch, 'thrower.js');
  await build({
    entryPoints: [thrower],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
  });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Loads the bundle with the mapping installed; optionally deletes the map before the error happens. */
function stackOfExplosion(deleteMapAfterLoad: boolean): string {
  const script = `
    require(${JSON.stringify(installer)}).installSourceMappedStacks();
    const { explode } = require(${JSON.stringify(bundle)});
    if (${deleteMapAfterLoad}) require('node:fs').rmSync(${JSON.stringify(`${bundle}.map`)});
    try { explode('on purpose'); } catch (error) { process.stdout.write(error.stack); }
  `;
  return execFileSync(process.execPath, ['-e', script], { cwd: scratch, encoding: 'utf8' });
}

describe('stacks of the bundled app', () => {
  it('name the TypeScript file, line and column of each bundled frame', () => {
    const stack = stackOfExplosion(false);
    expect(stack.split('\n')[0]).toBe('Error: exploded: on purpose');
    expect(stack).toContain(`at explode (${thrower}:3:9)`);
    expect(stack).not.toContain(`${bundle}:`);
  });

  it('read the map only when a stack is formatted, not when the bundle loads', () => {
    // Had the map been read at load, deleting it afterwards would change nothing.
    const stack = stackOfExplosion(true);
    expect(stack).toContain(`at explode (${bundle}:`);
    expect(stack).not.toContain(thrower);
  });
});
