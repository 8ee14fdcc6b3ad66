import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = resolve(__dirname, '..', '..');
const manifest = z
  .object({ engines: z.object({ node: z.string() }) })
  .parse(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')));
const lock = z
  .object({
    packages: z.record(
      z.string(),
      z.object({
        engines: z.union([z.object({ node: z.string().optional() }).loose(), z.array(z.string())]).optional(),
        os: z.array(z.string()).optional(),
        cpu: z.array(z.string()).optional(),
      }),
    ),
  })
  .parse(JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')));

/** The oldest release of each major line our own `engines` admits: the versions the claim must hold for. */
function oldestAdmitted(range: string): string[] {
  return range.split('||').map((part) => semver.minVersion(part.trim())?.version ?? part);
}

/** Platform binaries for another OS or CPU are never installed here, nor in Azure (linux x64). */
const installsOnLinuxX64 = (entry: { os?: string[] | undefined; cpu?: string[] | undefined }) =>
  (!entry.os || entry.os.includes('linux')) && (!entry.cpu || entry.cpu.includes('x64'));

describe('the Node.js versions we claim', () => {
  const versions = oldestAdmitted(manifest.engines.node);

  it('are every major line from Node 20 to Node 22', () => {
    expect(versions.map((version) => semver.major(version))).toEqual([20, 22]);
  });

  it('are admitted by every installed package, so npm install never says EBADENGINE', () => {
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || !range || !installsOnLinuxX64(entry)) continue;
      for (const version of versions) {
        if (!semver.satisfies(version, range)) refusing.push(`${path} (${range}) refuses ${version}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('are the ones the README states', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const [node20, node22] = versions.map((version) => version.replace(/\.0$/, ''));
    expect(readme).toContain(`Node.js ${node20}+ or ${node22}+`);
  });

  it('include the Node.js this runs on (CI runs the oldest line we claim)', () => {
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });
});
