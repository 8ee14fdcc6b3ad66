import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/freePort';
import { firstJsonLine, type ChildProcessGroup, type SpawnedChild } from './childProcessGroup';
import { repoPaths, repoRoot } from './repoPaths';

export interface HostDependencies {
  tablesConnectionString: string;
  acsConnectionString: string;
}

/** What a host needs to be the same service after a restart: port (the dev issuer URL), keys, data folder. */
export interface HostIdentity extends HostDependencies {
  port: number;
  /** Holds only the dev sign-in key (Azurite and ACS are given), so bearers outlive a restart. */
  dataDir: string;
  tokenCacheKey: string;
}

export interface HostProcess {
  child: SpawnedChild;
  /** http://localhost:PORT, no trailing slash; the API is under /api, dev sign-in under /dev. */
  url: string;
}

/**
 * The schemas' ceiling, for the token issuance limit and the ACS budget: no bench user is ever rate
 * limited (the seeding alone creates 50 calls for one user), while the limiters still do all their work.
 */
const unlimitedPerMinute = '100000';

export async function newHostIdentity(dependencies: HostDependencies): Promise<HostIdentity> {
  return {
    ...dependencies,
    port: await freePort(),
    dataDir: mkdtempSync(join(tmpdir(), 'acs-bench-host-')),
    tokenCacheKey: randomBytes(32).toString('base64'),
  };
}

/**
 * The settings a bench host runs with. With Table Storage and ACS given, `local/start.js` embeds
 * nothing but the Functions host and the dev sign-in; the cache key is set (so the cache is on) and
 * kept, like the dev sign-in key, so a restarted host serves what the last one cached.
 */
export function hostEnvironment(identity: HostIdentity): NodeJS.ProcessEnv {
  return {
    ...environmentWithoutAppSettings(),
    PORT: String(identity.port),
    LOCAL_DATA_DIR: identity.dataDir,
    TABLES_CONNECTION_STRING: identity.tablesConnectionString,
    ACS_CONNECTION_STRING: identity.acsConnectionString,
    TOKEN_RATE_LIMIT_PER_MINUTE: unlimitedPerMinute,
    SUBJECT_ACS_BUDGET_PER_MINUTE: unlimitedPerMinute,
    TOKEN_CACHE_KEY: identity.tokenCacheKey,
  };
}

/**
 * `node [nodeFlags] dist/local/start.js --json` against already-running dependencies; from this checkout,
 * or from another (`appRoot`: a baseline build of an earlier commit).
 */
export async function startHostProcess(
  group: ChildProcessGroup,
  identity: HostIdentity,
  nodeFlags: string[] = [],
  extraSettings: Record<string, string> = {},
  appRoot?: string,
): Promise<HostProcess> {
  const child = group.spawnNode({
    name: appRoot ? 'baseline-host' : 'functions-host',
    cwd: appRoot ?? repoRoot,
    env: { ...hostEnvironment(identity), ...extraSettings },
    args: [...nodeFlags, appRoot ? join(appRoot, 'dist/local/start.js') : repoPaths.localStart, '--json'],
  });
  const ready = await firstJsonLine<{ url: string; emulatorUrl?: string; tablesUrl?: string }>(child);
  if (ready.emulatorUrl || ready.tablesUrl) {
    await child.stop();
    throw new Error('the host embedded its own Azurite or ACS emulator: the bench settings did not reach it');
  }
  return { child, url: ready.url };
}

/** The bench's environment minus any app setting, so a developer's shell cannot change what is measured. */
function environmentWithoutAppSettings(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(AUTH_|ACS_|TABLES?_|KEY_VAULT|TOKEN_|IDENTITY_|CALLS_|MAX_REQUEST|SECRET_|TEAMS_|GRAPH_|LOCAL_|PORT$)/.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  return env;
}
