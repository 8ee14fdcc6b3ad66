import type * as AzureFunctions from '@azure/functions';
import { createRequire } from 'node:module';
import path from 'node:path';
import { appEntryFiles } from './appEntryFiles';
import { AppRegistrations, type CoreLogLevel } from './appRegistrations';
import { loadWithRegistrationsTo } from './functionsCoreShim';

export type AzureFunctionsLibrary = typeof AzureFunctions;

export interface FunctionApp {
  appRoot: string;
  entryFiles: string[];
  registrations: AppRegistrations;
  /** The app's own copy of `@azure/functions`: its HttpRequest and friends are what its handlers expect. */
  library: AzureFunctionsLibrary;
}

/**
 * Loads an app the way the Functions worker does: require each entry file in order (CommonJS) while
 * `@azure/functions-core` collects what they register.
 *
 * The app's own files (those beside its entry files, outside node_modules) are dropped from Node's
 * require cache first, so a second host started in the same process registers the functions again,
 * also when the entry file only loads a bundle beside it. Packages stay cached (and keep whatever
 * configuration they read from process.env), so one app per process is what is supported.
 */
export function loadFunctionApp(
  appRoot: string,
  systemLog: (level: CoreLogLevel, message: string) => void,
): FunctionApp {
  const root = path.resolve(appRoot);
  const entryFiles = appEntryFiles(root);
  const appRequire = createRequire(path.join(root, 'package.json'));
  const registrations = new AppRegistrations(systemLog);
  loadWithRegistrationsTo(registrations, () => {
    forgetAppFiles(appRequire, entryFiles);
    for (const file of entryFiles) requireEntryFile(appRequire, root, file);
  });
  return { appRoot: root, entryFiles, registrations, library: appLibrary(registrations, entryFiles, root) };
}

function isFunctionsLibrary(exports: unknown): exports is AzureFunctionsLibrary {
  return (
    typeof exports === 'object' &&
    exports !== null &&
    ['HttpRequest', 'HttpResponse', 'InvocationContext'].every(
      (name) => typeof Reflect.get(exports, name) === 'function',
    )
  );
}

/**
 * The app's own copy of @azure/functions: the module that asked for `@azure/functions-core` while the
 * app loaded (a bundled app keeps it in a file of its own), or else the one its entry file resolves
 * (an app whose library was loaded already, by an earlier host in this process).
 */
function appLibrary(
  registrations: AppRegistrations,
  entryFiles: string[],
  root: string,
): AzureFunctionsLibrary {
  const asked = registrations.functionsCoreRequesterExports().find(isFunctionsLibrary);
  if (asked) return asked;
  try {
    const resolved: unknown = createRequire(entryFiles[0] ?? path.join(root, 'package.json'))(
      '@azure/functions',
    );
    if (isFunctionsLibrary(resolved)) return resolved;
  } catch {
    // Reported below.
  }
  throw new Error(
    `cannot find the @azure/functions library the app in ${root} uses: it must be a module of its own (not inlined into a bundle), or resolvable from its entry file`,
  );
}

function forgetAppFiles(appRequire: NodeJS.Require, entryFiles: string[]): void {
  const folders = [...new Set(entryFiles.map((file) => `${path.dirname(file)}${path.sep}`))];
  for (const file of Object.keys(appRequire.cache)) {
    const isAppFile = folders.some((folder) => file.startsWith(folder));
    if (isAppFile && !file.includes(`${path.sep}node_modules${path.sep}`)) delete appRequire.cache[file];
  }
}

function requireEntryFile(appRequire: NodeJS.Require, root: string, file: string): void {
  try {
    appRequire(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`loading ${path.relative(root, file)} failed: ${reason}`, { cause: error });
  }
}
