import { tmpdir } from 'node:os';
import { freePort } from '../local/freePort';
import type { ChildProcessGroup, SpawnedChild } from './childProcessGroup';
import { repoPaths } from './repoPaths';
import { waitUntil } from './waitUntil';

export interface AzuriteProcess {
  child: SpawnedChild;
  connectionString: string;
}

/** Azurite's published development account; not a secret. */
const devAccountName = 'devstoreaccount1';
const devAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * Azurite's Table service in its own process, in memory. `--tablePort 0` would not say which port it
 * took, so a free one is picked first; it prints nothing when ready, so the port is polled.
 */
export async function startAzuriteProcess(group: ChildProcessGroup): Promise<AzuriteProcess> {
  const port = await freePort();
  const child = group.spawnNode({
    name: 'azurite',
    // Azurite may leave files in its working folder; keep them out of the repository.
    cwd: tmpdir(),
    env: process.env,
    args: [
      repoPaths.azuriteTableMain,
      '--inMemoryPersistence',
      '--tablePort',
      String(port),
      '--tableHost',
      '127.0.0.1',
      '--disableTelemetry',
      '--silent',
      '--skipApiVersionCheck',
    ],
  });
  const tableEndpoint = `http://127.0.0.1:${port}/${devAccountName}`;
  await waitUntil(`azurite on port ${port}`, 30_000, async () => {
    if (child.process.exitCode !== null) throw new Error(`azurite exited:\n${child.recentOutput()}`);
    try {
      await fetch(`${tableEndpoint}/Tables`);
      return true;
    } catch {
      return false;
    }
  });
  return {
    child,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccountName};AccountKey=${devAccountKey};TableEndpoint=${tableEndpoint};`,
  };
}
