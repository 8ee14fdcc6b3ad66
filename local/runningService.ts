import { resolve } from 'node:path';
import { readLocalRunSettings } from './localRunSettings';
import { readLocalSettings } from './localSettings';
import { readServiceUrl } from './serviceUrlFile';

/**
 * The base URL of the local service a developer's command talks to: SERVICE_URL when set, else what a
 * running `npm start` on the same data dir wrote, else the default port.
 */
export function runningServiceUrl(): string {
  if (process.env.SERVICE_URL) return process.env.SERVICE_URL.replace(/\/+$/, '');
  const appRoot = resolve(__dirname, '..', '..');
  const settings = readLocalSettings(resolve(appRoot, 'local.settings.json'), process.env);
  const { PORT, LOCAL_DATA_DIR } = readLocalRunSettings(settings);
  return readServiceUrl(resolve(appRoot, LOCAL_DATA_DIR)) ?? `http://localhost:${PORT || 7071}`;
}
