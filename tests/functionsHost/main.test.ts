import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/local/functionsHost/main.js');
const SOURCES = path.join(ROOT, 'local/functionsHost');
const APP_ROOT = path.join(ROOT, 'tests/fixtures/functionsHost');

/** `npm test` builds first; running this file alone builds when dist is missing or older than the source. */
function compiledIsCurrent(): boolean {
  if (!existsSync(MAIN)) return false;
  const builtAt = statSync(MAIN).mtimeMs;
  return readdirSync(SOURCES).every((file) => statSync(path.join(SOURCES, file)).mtimeMs <= builtAt);
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}, appRoot = APP_ROOT): ChildProcess {
  return spawn(process.execPath, [MAIN, '--app-root', appRoot, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function firstStdoutLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

let scratch: string;

beforeAll(() => {
  if (!compiledIsCurrent()) {
    try {
      execFileSync('npx', ['tsc', '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
    } catch {
      // Type errors elsewhere in the tree still emit; all this file needs is the host's output.
    }
  }
  expect(existsSync(MAIN)).toBe(true);
  scratch = mkdtempSync(path.join(tmpdir(), 'functions-host-cli-'));
}, 60_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('main.js', () => {
  it('prints its URL as one JSON line, serves the app, and runs appTerminate on SIGTERM', async () => {
    const marker = path.join(scratch, 'terminated');
    const child = startCli(['--port', '0'], { FUNCTIONS_HOST_FIXTURE_TERMINATE_FILE: marker });
    const stderr = collect(child.stderr);
    try {
      const { url } = JSON.parse(await firstStdoutLine(child)) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/api/calls/mine`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { functionName: string }).functionName).toBe('myCalls');
      child.kill('SIGTERM');
      expect(await exitOf(child)).toBe(0);
      expect(readFileSync(marker, 'utf8')).toBe('terminated');
      expect(stderr()).toContain('GET /api/calls/mine 200');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 1 with a one-line message naming the port when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = startCli(['--port', String(port)]);
      const stderr = collect(child.stderr);
      const stdout = collect(child.stdout);
      expect(await exitOf(child)).toBe(1);
      const message = stderr().trim();
      expect(message).toContain(`port ${port}`);
      expect(message).toContain('already in use');
      expect(message.split('\n')).toHaveLength(1);
      expect(message).not.toMatch(/^\s+at /m);
      expect(stdout()).toBe('');
    } finally {
      blocker.close();
    }
  });

  it('prints each function the Azure host would refuse, in its words, and serves the rest', async () => {
    const child = startCli(['--port', '0'], {}, path.join(APP_ROOT, 'refused'));
    const stderr = collect(child.stderr);
    try {
      const { url } = JSON.parse(await firstStdoutLine(child)) as { url: string };
      expect(await (await fetch(`${url}/v1/ok`)).text()).toBe('ok');
      expect((await fetch(`${url}/v1/admin/things`)).status).toBe(404);
      child.kill('SIGTERM');
      expect(await exitOf(child)).toBe(0);
      expect(stderr()).toContain(
        '15 function(s) in error: not served here (404), and Azure refuses them too:',
      );
      expect(stderr()).toContain(
        "  The 'adminThings' function is in error: The specified route conflicts with one or more built in routes.\n",
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
