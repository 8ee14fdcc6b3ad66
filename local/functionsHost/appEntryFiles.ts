import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';

/**
 * The files the Functions worker loads for an app: package.json "main", which Azure allows to be a
 * glob (e.g. `dist/functions/*.js`). Sorted, so the load order (and so registration order) does not
 * depend on the file system.
 */
export function appEntryFiles(appRoot: string): string[] {
  const main = readPackageMain(appRoot);
  const files = globSync(main, { cwd: appRoot, absolute: true, expandDirectories: false });
  if (files.length === 0) {
    throw new Error(`package.json "main" (${main}) matches no file under ${appRoot}; is the app built?`);
  }
  return files.map((file) => path.resolve(file)).sort();
}

function readPackageMain(appRoot: string): string {
  const packageJsonPath = path.join(appRoot, 'package.json');
  if (!existsSync(packageJsonPath))
    throw new Error(`${appRoot} has no package.json; is it the app's folder?`);
  const packageJson: unknown = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const main =
    typeof packageJson === 'object' && packageJson !== null ? Reflect.get(packageJson, 'main') : undefined;
  if (typeof main !== 'string' || main.trim() === '') {
    throw new Error(
      `${packageJsonPath} has no "main"; Azure Functions needs it to find the app's entry files`,
    );
  }
  return main;
}
