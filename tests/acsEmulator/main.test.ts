import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityClient } from './acsTestClients';

const projectRoot = resolve(__dirname, '../..');
const sourceDir = join(projectRoot, 'local/acsEmulator');
let outDir: string;

/**
 * Transpiles the emulator's own files (no type check: tsc does that) so the CLI runs as its own
 * process on exactly the current source, without depending on a full build of the project.
 */
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'acs-emulator-cli-'));
  const files = (await readdir(sourceDir, { recursive: true })).filter((name) => name.endsWith('.ts'));
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(join(sourceDir, file), 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    await mkdir(dirname(join(outDir, file)), { recursive: true });
    await writeFile(join(outDir, file.replace(/\.ts$/, '.js')), outputText);
  }
});
afterAll(() => rm(outDir, { recursive: true, force: true }));

function startCli(accessKey: string): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, [join(outDir, 'main.js'), '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, ACS_EMULATOR_ACCESS_KEY: accessKey, NODE_PATH: join(projectRoot, 'node_modules') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = once(lines, 'line').then(([line]) => String(line));
  return { child, firstLine };
}

describe('main: the emulator as its own process', () => {
  it('prints one JSON line with its URL (never the key), serves the SDK and exits cleanly on SIGTERM', async () => {
    const accessKey = randomBytes(32).toString('base64');
    const { child, firstLine } = startCli(accessKey);
    try {
      const line = await firstLine;
      expect(line).not.toContain(accessKey);
      const { url } = JSON.parse(line) as { url: string };
      expect(JSON.parse(line)).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) });

      const user = await identityClient(`endpoint=${url};accesskey=${accessKey}`).createUser();
      expect(user.communicationUserId).toMatch(/^8:acs:/);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
