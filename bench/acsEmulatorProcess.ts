import { randomBytes } from 'node:crypto';
import { firstJsonLine, type ChildProcessGroup, type SpawnedChild } from './childProcessGroup';
import { repoPaths, repoRoot } from './repoPaths';

export interface AcsEmulatorProcess {
  child: SpawnedChild;
  /** With a trailing slash. */
  url: string;
  connectionString: string;
}

/** The ACS emulator in its own process, on a port it picks, with an access key only we know. */
export async function startAcsEmulatorProcess(group: ChildProcessGroup): Promise<AcsEmulatorProcess> {
  const accessKey = randomBytes(32).toString('base64');
  const child = group.spawnNode({
    name: 'acs-emulator',
    cwd: repoRoot,
    env: { ...process.env, ACS_EMULATOR_ACCESS_KEY: accessKey },
    args: [repoPaths.acsEmulatorMain, '--port', '0'],
  });
  const { url } = await firstJsonLine<{ url: string }>(child);
  return { child, url, connectionString: `endpoint=${url};accesskey=${accessKey}` };
}
