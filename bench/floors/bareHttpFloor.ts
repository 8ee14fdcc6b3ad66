import { firstJsonLine, type ChildProcessGroup, type SpawnedChild } from '../childProcessGroup';
import { runAutocannon, type LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';
import { repoPaths, repoRoot } from '../repoPaths';

export interface BareHttpServer {
  child: SpawnedChild;
  url: string;
}

/** A bare node:http server in its own process, as the host is. */
export async function startBareHttpServer(group: ChildProcessGroup): Promise<BareHttpServer> {
  const child = group.spawnNode({
    name: 'bare-http',
    cwd: repoRoot,
    env: process.env,
    args: [repoPaths.bareHttpServer],
  });
  const { url } = await firstJsonLine<{ url: string }>(child);
  return { child, url };
}

/** `GET /` on the bare server with autocannon, exactly as the scenarios are driven. */
export function measureBareHttpFloor(url: string, shape: LoadShape): Promise<LoadResult> {
  return runAutocannon('floor: bare node:http', url, shape, () => ({ method: 'GET', path: '/' }));
}
