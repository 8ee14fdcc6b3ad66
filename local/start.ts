import { resolve } from 'node:path';
import { describeFunctionError, type FunctionError } from './functionsHost/hostRegistrationRules';
import { readLocalRunSettings } from './localRunSettings';
import { readLocalSettings } from './localSettings';
import { removeServiceUrl, writeServiceUrl } from './serviceUrlFile';
import { startLocalStack } from './startLocalStack';

/**
 * `npm start`: the whole service on this machine. Flags: `--json` prints one JSON line when ready
 * (for tests and scripts) instead of the banner. Env: PORT (default 7071), LOCAL_DATA_DIR (default
 * .data), LOCAL_IN_MEMORY=1 (keep nothing), LOCAL_ALLOWED_HOSTS (host names to answer besides
 * localhost, comma-separated; any other Host header gets 403).
 */
async function main(): Promise<void> {
  const appRoot = resolve(__dirname, '..', '..');
  const json = process.argv.includes('--json');
  const settings = readLocalSettings(resolve(appRoot, 'local.settings.json'), process.env);
  const { PORT: port, LOCAL_IN_MEMORY: inMemory, LOCAL_DATA_DIR } = readLocalRunSettings(settings);
  const stateDir = resolve(appRoot, LOCAL_DATA_DIR);
  const dataDir = inMemory ? undefined : stateDir;

  const stack = await startLocalStack({
    appRoot,
    port,
    settings,
    ...(dataDir ? { dataDir } : {}),
    ...(json ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });

  writeServiceUrl(stateDir, { url: stack.url, emulatorUrl: stack.emulatorUrl });
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ url: stack.url, issuer: stack.issuer, emulatorUrl: stack.emulatorUrl, tablesUrl: stack.tablesUrl })}\n`,
    );
  } else {
    printBanner(stack, dataDir);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    removeServiceUrl(stateDir);
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function printBanner(stack: Awaited<ReturnType<typeof startLocalStack>>, dataDir: string | undefined): void {
  const lines = [
    '',
    `ACS trusted service running at ${stack.url}/api`,
    `  web app:       ${stack.url}/api/app/   (every flow in a browser; ${stack.url}/ leads there too)`,
    `  health:        ${stack.url}/api/health`,
    `  OpenAPI:       ${stack.url}/api/openapi.json`,
    `  dev sign-in:   POST ${stack.url}/dev/token  {"sub":"alice"}   (issuer ${stack.issuer})`,
    ...(stack.emulatorUrl ? [`  ACS emulator:  ${stack.emulatorUrl}`] : []),
    ...(stack.tablesUrl ? [`  Azurite table: ${stack.tablesUrl}`] : []),
    `  data:          ${dataDir ?? 'in memory (nothing kept)'}`,
    '',
    ...functionErrorLines(stack.functionErrors),
    'Try it:',
    `  TOKEN=$(curl -s -X POST ${stack.url}/dev/token -H 'content-type: application/json' -d '{"sub":"alice"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s -X POST ${stack.url}/api/token -H "authorization: Bearer $TOKEN"`,
    '',
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));
}

/** Plain words for a function Azure would refuse: it answers 404 here, so it must not go unnoticed. */
function functionErrorLines(errors: FunctionError[]): string[] {
  if (errors.length === 0) return [];
  return [
    `${errors.length} function(s) are in error and answer 404; the Azure Functions host refuses them too:`,
    ...errors.map((error) => `  ${describeFunctionError(error)}`),
    '',
  ];
}

main().catch((error: unknown) => {
  // The app's own ConfigError arrives wrapped by the host that loaded the app (and, bundled, is another
  // class than ours): say what is wrong with the settings, not which file was being loaded.
  const configError = findConfigError(error);
  if (configError) {
    console.error(`Cannot start: ${configError.message}`);
  } else if (error instanceof Error && error.name === 'PortInUseError') {
    console.error(`Cannot start: ${error.message}`);
  } else {
    console.error(
      `Cannot start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  process.exit(1);
});

function findConfigError(error: unknown): Error | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === 'ConfigError') return cause;
  }
  return undefined;
}
