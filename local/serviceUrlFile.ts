import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Where a running `npm start` says where it listens: `<data dir>/service-url` (also with LOCAL_IN_MEMORY,
 * which keeps no data but must still be found), so that `npm run token` and `npm run -s url` follow a
 * PORT other than 7071. It holds the URL and the pid, and is removed when the service stops.
 */
const fileName = 'service-url';

export interface RunningServiceUrls {
  url: string;
  /** The embedded ACS emulator's base URL (with a trailing slash), when it runs. */
  emulatorUrl?: string | undefined;
}

export function writeServiceUrl(dataDir: string, urls: RunningServiceUrls): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, fileName), `${JSON.stringify({ ...urls, pid: process.pid })}\n`);
}

export function removeServiceUrl(dataDir: string): void {
  rmSync(join(dataDir, fileName), { force: true });
}

/** The URLs of the service running on this data dir, or undefined when none says it is running. */
export function readServiceUrl(dataDir: string): RunningServiceUrls | undefined {
  const file = join(dataDir, fileName);
  if (!existsSync(file)) return undefined;
  try {
    const { url, emulatorUrl, pid } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (typeof url !== 'string' || typeof pid !== 'number' || !isRunning(pid)) return undefined;
    return { url, ...(typeof emulatorUrl === 'string' ? { emulatorUrl } : {}) };
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
