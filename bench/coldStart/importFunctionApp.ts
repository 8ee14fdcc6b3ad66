import { createRequire } from 'node:module';
import Module from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { globSync } from 'tinyglobby';
import { appEntryFiles } from '../../local/functionsHost/appEntryFiles';
import { AppRegistrations } from '../../local/functionsHost/appRegistrations';
import { loadWithRegistrationsTo } from '../../local/functionsHost/functionsCoreShim';
import { repoRoot } from '../repoPaths';

/**
 * Run in a fresh process: loads the function app as the local host (and the Functions worker) does,
 * with `@azure/functions-core` shimmed, and prints `{"importMs", "functions", "modules"}` where
 * importMs times only the require of the entry files, and `modules` counts the files loaded in all.
 * The entry files are package.json "main" (the bundle `npm run build` writes), or `--main GLOB`
 * (e.g. `dist/functions/*.js`, the same app as tsc leaves it, each import resolved in node_modules).
 * `--breakdown` also prints, per package, the files loaded and the self time of loading them (a
 * Module._load wrapper, which slows the load a little: never on the timed runs).
 */
const breakdown = process.argv.includes('--breakdown') ? loadTimesByPackage() : undefined;
const mainArgument = process.argv.indexOf('--main');
const mainGlob = mainArgument >= 0 ? process.argv[mainArgument + 1] : undefined;
const appRequire = createRequire(join(repoRoot, 'package.json'));
const entryFiles = mainGlob
  ? globSync(mainGlob, { cwd: repoRoot, absolute: true, expandDirectories: false }).sort()
  : appEntryFiles(repoRoot);
const registrations = new AppRegistrations(() => undefined);
// The shim and this script's own modules are loaded already: not part of the app.
const preloaded = new Set(Object.keys(appRequire.cache));
const appModules = () => Object.keys(appRequire.cache).filter((file) => !preloaded.has(file));
let importMs = 0;
loadWithRegistrationsTo(registrations, () => {
  const started = performance.now();
  for (const file of entryFiles) appRequire(file);
  importMs = performance.now() - started;
});
process.stdout.write(
  `${JSON.stringify({
    importMs,
    functions: registrations.functions.length,
    modules: appModules().length,
    ...(breakdown ? { selfMsByPackage: breakdown.result(), modulesByPackage: modulesByPackage() } : {}),
  })}\n`,
);

/** How many module files each package put in the require cache: what there was to read and compile. */
function modulesByPackage(): Record<string, number> {
  const counts = new Map<string, number>();
  for (const file of appModules()) {
    const name = packageOf(file, undefined);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]));
}

/** Self time per package of every module evaluated from now on: a package's time minus its children's. */
function loadTimesByPackage() {
  const selfMs = new Map<string, number>();
  const stack: Array<{ name: string; started: number; childMs: number }> = [];
  const loader = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  };
  const originalLoad = loader._load;
  loader._load = function timedLoad(request, parent, isMain) {
    const name = packageOf(request, parent);
    const frame = { name, started: performance.now(), childMs: 0 };
    stack.push(frame);
    try {
      return originalLoad.call(this, request, parent, isMain);
    } finally {
      stack.pop();
      const total = performance.now() - frame.started;
      selfMs.set(name, (selfMs.get(name) ?? 0) + total - frame.childMs);
      const parentFrame = stack[stack.length - 1];
      if (parentFrame) parentFrame.childMs += total;
    }
  };
  return {
    result: () =>
      Object.fromEntries(
        [...selfMs.entries()]
          .sort((a, b) => b[1] - a[1])
          .filter(([, ms]) => ms >= 1)
          .map(([name, ms]) => [name, Math.round(ms * 10) / 10]),
      ),
  };
}

function packageOf(request: string, parent: unknown): string {
  if (request.startsWith('node:') || Module.builtinModules.includes(request)) return 'node builtins';
  const from =
    typeof parent === 'object' && parent !== null ? String(Reflect.get(parent, 'filename') ?? '') : '';
  const path =
    request.startsWith('.') || request.startsWith('/')
      ? join(from, '..', request)
      : `node_modules/${request}`;
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.replace(/.*node_modules\//, 'node_modules/'));
  if (match?.[1]) return match[1];
  const app = /\/dist\/([^/]+)\//.exec(path);
  return app?.[1] ? `app: ${app[1]}/` : 'other';
}
