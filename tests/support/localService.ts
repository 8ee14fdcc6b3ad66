import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(__dirname, '..', '..');
const startScript = resolve(repoRoot, 'dist/local/start.js');

export interface ServiceResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, instead of JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface LocalService {
  url: string;
  /** LOCAL_DATA_DIR of the process: where it says it is running (`npm run -s url` reads it). */
  dataDir: string;
  issuer: string;
  emulatorUrl?: string;
  process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  signIn(sub: string, options?: { roles?: string[]; oid?: string }): Promise<string>;
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<ServiceResponse<T>>;
  /** Ctrl-C, and wait for the exit. */
  stop(): Promise<number | null>;
}

/**
 * Runs the service the way a developer does (`node dist/local/start.js`, what `npm start` runs) in its
 * own process, in memory unless told otherwise, on a free port. `npm test` builds first.
 */
export async function startLocalService(
  env: Record<string, string> = {},
  options: { /** Another Node.js binary than the one running the tests. */ node?: string } = {},
): Promise<LocalService> {
  if (!existsSync(startScript))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  const dataDir = env.LOCAL_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'acs-service-'));
  const child = spawn(options.node ?? process.execPath, [startScript, '--json'], {
    cwd: repoRoot,
    env: { ...cleanEnvironment(), PORT: '0', LOCAL_IN_MEMORY: '1', LOCAL_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = await new Promise<{ url: string; issuer: string; emulatorUrl?: string }>(
    (resolveReady, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error(`local service did not start:\n${output}`)), 20_000);
      lines.on('line', (line) => {
        output += `${line}\n`;
        if (line.startsWith('{')) {
          clearTimeout(timer);
          resolveReady(JSON.parse(line) as { url: string; issuer: string; emulatorUrl?: string });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`local service exited with ${code}:\n${output}`));
      });
    },
  );
  child.removeAllListeners('exit');

  const request: LocalService['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${ready.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as never, text };
  };

  return {
    ...ready,
    dataDir,
    process: child,
    output: () => output,
    async signIn(sub, options = {}) {
      const response = await request<{ access_token: string }>('POST', '/dev/token', {
        body: { sub, ...options },
      });
      if (response.status !== 200) throw new Error(`dev sign-in failed: ${response.status} ${response.text}`);
      return response.body.access_token;
    },
    request,
    stop: () =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop(child.exitCode);
        child.once('exit', (code) => resolveStop(code));
        child.kill('SIGINT');
      }),
  };
}

/** The test runner's environment minus any setting of the app, so a developer's shell cannot leak in. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(AUTH_|ACS_|TABLES?_|KEY_VAULT|TOKEN_|IDENTITY_|CALLS?_|CALLBACK_|PSTN_|PROMPT_|INCOMING_|MAX_REQUEST|SECRET_|TEAMS_|LOCAL_|WEB_APP_|PORT$)/.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  return env;
}
