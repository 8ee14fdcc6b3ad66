import { apiExplorerAssets, apiExplorerAssetsDir } from '../../functions/http/apiExplorerAssets';
import {
  webAppChunkPattern,
  webAppContentType,
  webAppEntryFile,
  webAppFilesDir,
} from '../../functions/http/webAppFiles';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyFileOf } from '../../build/bundleFunctionApp';
import { functionAppLayout } from '../../build/functionAppLayout';
import { repoRoot } from '../support/localService';

/**
 * The deployment package, made by `npm run package` the way azd makes it (see azure.yaml), in a
 * folder outside the repository: small, carrying no node_modules and no dev tool, and enough on its
 * own to load the app and serve it.
 */
const packageScript = path.join(repoRoot, 'dist/build/packageFunctionApp.js');
const hostMain = path.join(repoRoot, 'dist/local/functionsHost/main.js');
const MAX_BYTES = 30 * 1024 * 1024;

let scratch: string;
let site: string;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(path.join(folder, file)).isFile())
    .sort();
}

beforeAll(() => {
  if (!existsSync(path.join(repoRoot, functionAppLayout.outDir, functionAppLayout.entryFile))) {
    throw new Error('dist/app is missing: run `npm run build` first (npm test does).');
  }
  scratch = mkdtempSync(path.join(tmpdir(), 'acs-package-'));
  site = path.join(scratch, 'site');
  execFileSync(process.execPath, [packageScript, '--out', site], { cwd: repoRoot, stdio: 'pipe' });
}, 60_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('what azd deploys', () => {
  it('is dist/app as the build writes it, zipped as it is, with nothing built on the server', () => {
    const yaml = readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
    const api = /^ {2}api:\n((?: {4}.+\n)+)/m.exec(yaml)?.[1] ?? '';
    expect(api).toMatch(new RegExp(`^ {4}dist: ${functionAppLayout.outDir}$`, 'm'));
    expect(api).toMatch(/^ {4}remoteBuild: false$/m);
    // azd refuses `remoteBuild: false` when the project's .funcignore excludes node_modules, and zips
    // dist/app by the ignore file inside it, which the build does not write: no .funcignore at all.
    expect(existsSync(path.join(repoRoot, '.funcignore'))).toBe(false);
    expect(existsSync(path.join(repoRoot, functionAppLayout.outDir, '.funcignore'))).toBe(false);
  });

  it('is what npm start and the tests run: package.json "main" is the bundle entry', () => {
    const project = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    expect(project.main).toBe(`${functionAppLayout.outDir}/${functionAppLayout.entryFile}`);
    const deployed = JSON.parse(readFileSync(path.join(site, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(deployed.main).toBe(functionAppLayout.entryFile);
    expect(deployed).not.toHaveProperty('dependencies');
    expect(deployed).not.toHaveProperty('scripts');
  });
});

describe('the package', () => {
  it('is under 30 MB: host.json, package.json, the bundles and their maps, the explorer, the web app, no node_modules', () => {
    const files = filesUnder(site);
    const bytes = files.reduce((sum, file) => sum + statSync(path.join(site, file)).size, 0);
    expect(bytes).toBeLessThan(MAX_BYTES);
    expect(files).toEqual(
      expect.arrayContaining([
        'host.json',
        'package.json',
        functionAppLayout.entryFile,
        functionAppLayout.bundleFile,
        `${functionAppLayout.bundleFile}.map`,
        functionAppLayout.libraryFile,
      ]),
    );
    expect(files.filter((file) => file.split(path.sep).includes('node_modules'))).toEqual([]);
    // Code, maps and manifests, and the API explorer's published files (exactly those it serves).
    const explorer = files.filter((file) => file.startsWith(`${apiExplorerAssetsDir}${path.sep}`));
    expect(explorer.map((file) => path.basename(file)).sort()).toEqual(
      [...Object.keys(apiExplorerAssets), 'LICENSE'].sort(),
    );
    // The web app: its page, styles, entry script and the chunks split off it, each a file its route serves.
    const web = files
      .filter((file) => file.startsWith(`${webAppFilesDir}${path.sep}`))
      .map((file) => file.slice(webAppFilesDir.length + 1));
    expect(web).toEqual(expect.arrayContaining([webAppEntryFile, 'styles.css', 'main.js']));
    expect(web.filter((file) => !webAppContentType(file))).toEqual([]);
    expect(
      web.filter((file) => file.endsWith('.js') && file !== 'main.js' && !webAppChunkPattern.test(file)),
    ).toEqual([]);
    expect(
      files
        .filter((file) => !explorer.includes(file) && !file.startsWith(`${webAppFilesDir}${path.sep}`))
        .every((file) => /\.(js|map|json)$/.test(file)),
    ).toBe(true);
    expect(readFileSync(path.join(site, 'host.json'), 'utf8')).toBe(
      readFileSync(path.join(repoRoot, 'host.json'), 'utf8'),
    );
  });

  it('is described as it is: the READMEs give its size, zipped and not, and name every package loaded on first use', () => {
    const files = filesUnder(site);
    const megabytes = (bytes: number) => bytes / 1024 / 1024;
    const unzipped = megabytes(files.reduce((sum, file) => sum + statSync(path.join(site, file)).size, 0));
    // Deflate, as a zip holds each file (azd zips with deflate); headers are a few KB more.
    const zipped = megabytes(
      files.reduce((sum, file) => sum + deflateRawSync(readFileSync(path.join(site, file))).length, 0),
    );
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const paragraph = (text: string, title: string) =>
      (new RegExp(`\\*\\*${title}\\.\\*\\*[^]*?\\n\\n`).exec(text)?.[0] ?? '').replace(/\s+/g, ' ');
    const deployed = paragraph(readme, 'What is deployed');
    const infraReadme = readFileSync(path.join(repoRoot, 'infra/README.md'), 'utf8');
    const appPackage = paragraph(infraReadme, 'The app package');
    for (const text of [deployed, appPackage]) {
      const [said, saidZipped] = [...text.matchAll(/about (\d+) MB/g)].map((match) => Number(match[1]));
      expect(said, text).toBeDefined();
      expect(
        Math.abs(said! - unzipped),
        `about ${said} MB said, ${unzipped.toFixed(1)} MB measured`,
      ).toBeLessThan(1);
      expect(
        Math.abs(saidZipped! - zipped),
        `about ${saidZipped} MB said, ${zipped.toFixed(1)} MB measured`,
      ).toBeLessThan(0.6);
    }
    const lazyFiles = files.filter(
      (file) => file.startsWith(`${functionAppLayout.lazyDir}${path.sep}`) && file.endsWith('.js'),
    );
    const named = [...deployed.matchAll(/`(@azure\/[a-z-]+)`/g)].map((match) => lazyFileOf(match[1]!));
    expect(named.sort()).toEqual(lazyFiles.sort());
    // infra/README.md counts them: a package more or less changes what it says.
    expect(lazyFiles).toHaveLength(7);
    expect(appPackage).toContain('seven packages loaded on first use');
  });

  it('requires nothing but its own files, Node built-ins and the worker-provided @azure/functions-core', () => {
    const required = new Set<string>();
    for (const file of filesUnder(site).filter((name) => name.endsWith('.js'))) {
      for (const match of readFileSync(path.join(site, file), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
        const request = match[1] ?? '';
        if (request.startsWith('./')) {
          expect(existsSync(path.join(site, path.dirname(file), request)), `${file} -> ${request}`).toBe(
            true,
          );
          continue;
        }
        required.add(request);
      }
    }
    const outside = [...required].filter(
      (request) =>
        !request.startsWith('node:') &&
        !builtinModules.includes(request.split('/')[0] ?? '') &&
        request !== '@azure/functions-core',
    );
    expect(outside).toEqual([]);
  });

  it('holds production dependencies only: no devDependency went into any bundle', () => {
    const meta = JSON.parse(readFileSync(path.join(repoRoot, functionAppLayout.metafile), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const bundledPackages = new Set(
      Object.keys(meta.inputs).flatMap((input) => {
        const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
        return match?.[1] ? [match[1]] : [];
      }),
    );
    expect(bundledPackages.size).toBeGreaterThan(10);
    const unknown = [...bundledPackages].filter((name) => !lock.packages[name]);
    const dev = [...bundledPackages].filter(
      (name) => lock.packages[name]?.dev || lock.packages[name]?.devOptional,
    );
    expect(unknown).toEqual([]);
    expect(dev).toEqual([]);
    expect(bundledPackages).toContain('node_modules/zod');
    expect(bundledPackages).not.toContain('node_modules/azurite');
  });
});

/** Prints every module file the process loaded when it exits (node --require). */
const TRACE = `process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.MODULE_TRACE_FILE, JSON.stringify(Object.keys(require.cache)));
});`;

async function firstStdoutLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

function ancestorsOf(folder: string): string[] {
  const parent = path.dirname(folder);
  return parent === folder ? [folder] : [folder, ...ancestorsOf(parent)];
}

describe('the package, loaded from a folder of its own', () => {
  it('registers and serves every function with no node_modules of the repository reachable', async () => {
    // Node would find packages in any node_modules above the package: there must be none.
    expect(ancestorsOf(site).filter((folder) => existsSync(path.join(folder, 'node_modules')))).toEqual([]);
    const traceScript = path.join(scratch, 'trace.cjs');
    const traceFile = path.join(scratch, 'modules.json');
    writeFileSync(traceScript, TRACE);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      MODULE_TRACE_FILE: traceFile,
      // Read when the app loads; nothing here is contacted except as /api/health's checks.
      AUTH_ISSUER: 'http://127.0.0.1:9/unused',
      AUTH_AUDIENCE: 'api://package-test',
      TABLES_CONNECTION_STRING:
        'UseDevelopmentStorage=true;TableEndpoint=http://127.0.0.1:9/devstoreaccount1',
      ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=AAAA',
      API_EXPLORER_ENABLED: 'true',
    };
    const child = spawn(
      process.execPath,
      ['--require', traceScript, hostMain, '--app-root', site, '--port', '0'],
      {
        cwd: scratch,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const { url } = JSON.parse(await firstStdoutLine(child)) as { url: string };
      const openApi = await fetch(`${url}/api/openapi.json`);
      expect(openApi.status).toBe(200);
      const document = (await openApi.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths).length).toBeGreaterThan(10);
      const health = await fetch(`${url}/api/health`);
      // Its dependencies are not there: a 503 that says so, from the app, not a load failure.
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: expect.any(String), checks: expect.any(Object) });
      // The explorer's files came with the package, not from node_modules.
      const explorer = await fetch(`${url}/api/docs/swagger-ui-bundle.js`);
      expect(explorer.status).toBe(200);
      expect((await explorer.text()).length).toBeGreaterThan(100_000);
      // So did the web app's: its page, and the scripts the page loads.
      const page = await fetch(`${url}/api/app/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('src="main.js"');
      const chunk = readdirSync(path.join(site, webAppFilesDir)).find((file) =>
        webAppChunkPattern.test(file),
      );
      for (const script of ['main.js', chunk]) {
        const served = await fetch(`${url}/api/app/${script}`);
        expect(served.status, script).toBe(200);
        const bytes = Buffer.from(await served.arrayBuffer());
        expect(bytes.equals(readFileSync(path.join(site, webAppFilesDir, script ?? ''))), script).toBe(true);
      }
      child.kill('SIGTERM');
      expect((await once(child, 'exit'))[0]).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).not.toContain('function is in error');
    const loaded = JSON.parse(readFileSync(traceFile, 'utf8')) as string[];
    expect(loaded).toEqual(
      expect.arrayContaining([
        path.join(site, functionAppLayout.bundleFile),
        path.join(site, functionAppLayout.libraryFile),
      ]),
    );
    // The only packages from the repository are the local host's own (it finds package.json "main"
    // with tinyglobby); the app's code all came from the package.
    const repositoryPackages = new Set(
      loaded
        .filter((file) => file.startsWith(path.join(repoRoot, 'node_modules') + path.sep))
        .map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1]),
    );
    expect([...repositoryPackages].sort()).toEqual(['fdir', 'picomatch', 'tinyglobby']);
  });

  it('loads the packages the app requires on first use, from the package alone', () => {
    const script = `
      const identity = require(${JSON.stringify(path.join(site, 'lazy/azure-identity.js'))});
      const secrets = require(${JSON.stringify(path.join(site, 'lazy/azure-keyvault-secrets.js'))});
      process.stdout.write(typeof identity.DefaultAzureCredential + ' ' + typeof secrets.SecretClient);
    `;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: scratch,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(output).toBe('function function');
  });
});
