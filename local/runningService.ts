import { resolve } from 'node:path';
import { readLocalRunSettings } from './localRunSettings';
import { readLocalSettings } from './localSettings';
import { readServiceUrl } from './serviceUrlFile';

function runningOnThisDataDir() {
  const appRoot = resolve(__dirname, '..', '..');
  const settings = readLocalSettings(resolve(appRoot, 'local.settings.json'), process.env);
  const { PORT, LOCAL_DATA_DIR } = readLocalRunSettings(settings);
  return { port: PORT || 7071, running: readServiceUrl(resolve(appRoot, LOCAL_DATA_DIR)) };
}

/**
 * The base URL of the local service a developer's command talks to: SERVICE_URL when set, else what a
 * running `npm start` on the same data dir wrote, else the default port.
 */
export function runningServiceUrl(): string {
  if (process.env.SERVICE_URL) return process.env.SERVICE_URL.replace(/\/+$/, '');
  const { port, running } = runningOnThisDataDir();
  return running?.url ?? `http://localhost:${port}`;
}

/** The embedded ACS emulator of the running `npm start`, or undefined when it runs none (or none runs). */
export function runningEmulatorUrl(): string | undefined {
  return runningOnThisDataDir().running?.emulatorUrl;
}
