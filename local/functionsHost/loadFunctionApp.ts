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
 * Entry files are dropped from Node's require cache first, so a second host started in the same
 * process registers the functions again. Modules those files import stay cached (and keep whatever
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
    for (const file of entryFiles) {
      delete appRequire.cache[file];
      requireEntryFile(appRequire, root, file);
    }
  });
  const library = appRequire('@azure/functions') as AzureFunctionsLibrary;
  return { appRoot: root, entryFiles, registrations, library };
}

function requireEntryFile(appRequire: NodeJS.Require, root: string, file: string): void {
  try {
    appRequire(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`loading ${path.relative(root, file)} failed: ${reason}`, { cause: error });
  }
}
