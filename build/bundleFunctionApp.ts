import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { apiExplorerAssets, apiExplorerAssetsDir } from '../functions/http/apiExplorerAssets';
import { functionAppLayout } from './functionAppLayout';

export interface BundleFunctionAppOptions {
  repoRoot: string;
}

export interface BundledFunctionApp {
  outDir: string;
  /** The function files the bundle loads, in the order the worker would load them. */
  functionFiles: string[];
  /** Packages our code `require()`s on first use, each bundled on its own under lazy/. */
  lazyPackages: string[];
}

/** Injected by the Functions worker at run time; not on npm. */
const WORKER_MODULE = '@azure/functions-core';
const LIBRARY = '@azure/functions';

function isBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtinModules.includes(name.split('/')[0] ?? name);
}

export function lazyFileOf(packageName: string): string {
  return `${functionAppLayout.lazyDir}/${packageName.replace(/^@/, '').replaceAll('/', '-')}.js`;
}

/**
 * Our code loads a package with `require()` (not `import`) exactly when it wants it on first use, not
 * at start-up (see shared/composition/defaultAzureCredential.ts). Such a package goes to a file of its
 * own, so its code is not even parsed on a cold start that never needs it. (The shared dependencies it
 * bundles, such as @azure/core-rest-pipeline, are then a second copy: they only exchange plain
 * objects, like a TokenCredential, with the main bundle's.)
 */
function lazyRequires(found: Set<string>): Plugin {
  return {
    name: 'lazy-requires',
    setup(context) {
      context.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'require-call' || args.importer.includes(`${path.sep}node_modules${path.sep}`)) {
          return undefined;
        }
        if (isBuiltin(args.path) || args.path === WORKER_MODULE || args.path === LIBRARY) return undefined;
        found.add(args.path);
        return { path: `./${lazyFileOf(args.path)}`, external: true };
      });
    },
  };
}

/**
 * The app's `@azure/functions` becomes a require of the library's own file: a host finds the library
 * the app registered with by who asks for `@azure/functions-core` (see local/functionsHost), so it must
 * stay a module of its own.
 */
function libraryBeside(): Plugin {
  return {
    name: 'library-beside',
    setup(context) {
      context.onResolve({ filter: /^@azure\/functions$/ }, () => ({
        path: `./${functionAppLayout.libraryFile}`,
        external: true,
      }));
    },
  };
}

interface PackageLock {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
}

/** `node_modules/a/node_modules/b` for a file of package b installed under a. */
export function installedPackageOf(file: string): string | undefined {
  return /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file.split(path.sep).join('/'))?.[1];
}

/**
 * A package that `npm ci --omit=dev` would not install is not bundled either: a require of it (from
 * inside a production dependency, usually an optional one in a try/catch, like `debug` asking for
 * `supports-color`) fails as it would in production, with MODULE_NOT_FOUND.
 */
function productionDependenciesOnly(repoRoot: string): Plugin {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as PackageLock;
  const isDevOnly = (file: string): boolean => {
    const installed = installedPackageOf(path.relative(repoRoot, file));
    const entry = installed === undefined ? undefined : lock.packages[installed];
    return entry?.dev === true || entry?.devOptional === true;
  };
  return {
    name: 'production-dependencies-only',
    setup(context) {
      context.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (isBuiltin(args.path) || args.pluginData === 'resolving') return undefined;
        const resolved = await context.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0 || resolved.external || !isDevOnly(resolved.path)) return undefined;
        return { path: args.path, namespace: 'not-installed-in-production' };
      });
      context.onLoad({ filter: /.*/, namespace: 'not-installed-in-production' }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: 'MODULE_NOT_FOUND' });`,
        loader: 'js',
      }));
    },
  };
}

/**
 * zod's `locales` namespace re-exports all 60-odd message languages (about 290 KB, a fifth of the
 * bundle, parsed on every cold start), and namespace re-exports are not tree-shaken. The app keeps
 * zod's default English messages (zod itself configures `en` from its own file), so the other
 * languages are left out: `z.locales` holds `en` only.
 */
function englishZodMessagesOnly(): Plugin {
  return {
    name: 'english-zod-messages-only',
    setup(context) {
      context.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
        contents: 'export { default as en } from "./en.js";',
        loader: 'js',
      }));
    },
  };
}

function commonOptions(repoRoot: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Less to parse on every cold start. Identifiers keep their names: stack frames show real function
    // names, and the source maps give them their files and lines back (see appEntry/sourceMappedStacks).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: [WORKER_MODULE],
    metafile: true,
    logLevel: 'warning',
    plugins: [productionDependenciesOnly(repoRoot), englishZodMessagesOnly()],
  };
}

function functionFiles(repoRoot: string): string[] {
  // Sorted, so that registration order does not depend on the file system (appEntryFiles does the same
  // for a glob "main" such as the dist/functions/*.js this replaces).
  return globSync('functions/*.ts', { cwd: repoRoot, expandDirectories: false }).sort();
}

function mergeMetafiles(metafiles: Metafile[]): Metafile {
  return {
    inputs: Object.assign({}, ...metafiles.map((meta) => meta.inputs)) as Metafile['inputs'],
    outputs: Object.assign({}, ...metafiles.map((meta) => meta.outputs)) as Metafile['outputs'],
  };
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** What the Functions host needs of a package.json: `main`. No dependencies: nothing is installed. */
function appPackageJson(repoRoot: string): string {
  const project = readJson(path.join(repoRoot, 'package.json'));
  const deployed = {
    name: project.name,
    version: project.version,
    private: true,
    description: `${String(project.description ?? '')} Built by \`npm run build\`: deploy this folder as it is.`,
    license: project.license,
    main: functionAppLayout.entryFile,
    engines: project.engines,
  };
  return `${JSON.stringify(deployed, null, 2)}\n`;
}

/** The API explorer's files from swagger-ui-dist, beside the bundle that serves them (see apiExplorerAssets). */
function copyExplorerAssets(repoRoot: string, outDir: string): void {
  const from = path.dirname(
    createRequire(path.join(repoRoot, 'package.json')).resolve('swagger-ui-dist/package.json'),
  );
  const to = path.join(outDir, apiExplorerAssetsDir);
  mkdirSync(to, { recursive: true });
  for (const file of Object.keys(apiExplorerAssets)) copyFileSync(path.join(from, file), path.join(to, file));
  copyFileSync(path.join(from, 'LICENSE'), path.join(to, 'LICENSE'));
}

/** The entry file's `require('./app.js')` stays a require of the bundle beside it. */
function bundleBesideEntry(): Plugin {
  const request = `./${functionAppLayout.bundleFile}`;
  return {
    name: 'bundle-beside-entry',
    setup(context) {
      context.onResolve({ filter: /^\.\// }, (args) =>
        args.path === request ? { path: request, external: true } : undefined,
      );
    },
  };
}

/**
 * Writes the deployable app (see functionAppLayout): the function files and what they import in one
 * file, each lazily required package in one file, and the Functions library in one file of its own,
 * because the local host, like any host of this app, must use the very copy of the library the app
 * registered its functions with (its HttpRequest, InvocationContext, HttpResponse).
 */
export async function bundleFunctionApp(options: BundleFunctionAppOptions): Promise<BundledFunctionApp> {
  const { repoRoot } = options;
  const outDir = path.join(repoRoot, functionAppLayout.outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = commonOptions(repoRoot);
  const files = functionFiles(repoRoot);
  const lazyPackages = new Set<string>();

  const app = await build({
    ...common,
    stdin: {
      contents: files.map((file) => `import './${file.replace(/\.ts$/, '')}';`).join('\n'),
      resolveDir: repoRoot,
      sourcefile: 'functions/index.ts',
      loader: 'ts',
    },
    outfile: path.join(outDir, functionAppLayout.bundleFile),
    plugins: [lazyRequires(lazyPackages), libraryBeside(), ...(common.plugins ?? [])],
  });
  const single = (name: string, outfile: string, external: string[]) =>
    build({
      ...common,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: repoRoot },
      outfile,
      external,
    });
  const lazy = await Promise.all(
    [...lazyPackages].map((name) => single(name, path.join(outDir, lazyFileOf(name)), [WORKER_MODULE])),
  );
  const library = await single(LIBRARY, path.join(outDir, functionAppLayout.libraryFile), [WORKER_MODULE]);
  const entry = await build({
    ...common,
    entryPoints: [path.join(repoRoot, 'build/appEntry/main.ts')],
    outfile: path.join(outDir, functionAppLayout.entryFile),
    plugins: [bundleBesideEntry(), ...(common.plugins ?? [])],
  });
  writeFileSync(path.join(outDir, 'package.json'), appPackageJson(repoRoot));
  copyFileSync(path.join(repoRoot, 'host.json'), path.join(outDir, 'host.json'));
  copyExplorerAssets(repoRoot, outDir);
  const metafile = mergeMetafiles(
    [entry, app, ...lazy, library].map((result) => result.metafile as Metafile),
  );
  writeFileSync(path.join(repoRoot, functionAppLayout.metafile), JSON.stringify(metafile));
  return { outDir, functionFiles: files, lazyPackages: [...lazyPackages].sort() };
}
