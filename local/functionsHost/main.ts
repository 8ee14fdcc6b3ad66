import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllowedHosts } from './allowedHost';
import { startFunctionsHost, type FunctionsHost } from './startFunctionsHost';

/**
 * Runs the local Functions host as its own process:
 *   node dist/local/functionsHost/main.js --app-root DIR [--port 7071] [--hostname 127.0.0.1]
 *     [--allowed-hosts name,name]
 * stdout carries exactly one line, `{"url":"http://127.0.0.1:PORT"}`, once requests are served, so a
 * parent process can wait for it; every log line goes to stderr.
 */
const USAGE =
  'usage: main.js --app-root DIR [--port N] [--hostname HOST] [--max-body-bytes N] [--allowed-hosts a,b]';
const DEFAULT_PORT = 7071;

function integerOption(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > max) {
    throw new Error(`--${name} must be an integer from 0 to ${max}, not "${value}"`);
  }
  return parsed;
}

function readOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'app-root': { type: 'string' },
      port: { type: 'string' },
      hostname: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'allowed-hosts': { type: 'string' },
    },
    strict: true,
  });
  return {
    appRoot: path.resolve(values['app-root'] ?? process.cwd()),
    port: integerOption('port', values.port, DEFAULT_PORT, 65_535),
    hostname: values.hostname ?? '127.0.0.1',
    maxRequestBodyBytes: integerOption('max-body-bytes', values['max-body-bytes'], 65_536, 2 ** 31),
    allowedHosts: parseAllowedHosts(values['allowed-hosts']),
  };
}

function closeOnSignals(host: FunctionsHost): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second signal means "now": skip waiting for requests and hooks.
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`${signal}: stopping the Functions host\n`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Our own errors read as one line; a failure inside the app's code keeps its stack (the cause). */
function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code: unknown = Reflect.get(error, 'code');
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return `${error.message}\n${USAGE}`;
  const cause: unknown = error.cause;
  return cause instanceof Error ? `${error.message}\n${cause.stack ?? ''}` : error.message;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const host = await startFunctionsHost({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  closeOnSignals(host);
  process.stdout.write(`${JSON.stringify({ url: host.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${explain(error)}\n`);
  process.exit(1);
});
