import path from 'node:path';

/**
 * The deployable function app `npm run build` writes, and azd zips as it is (azure.yaml `dist`):
 *
 *   dist/app/host.json         the repository's host.json
 *   dist/app/package.json      name, version, `main`; no dependencies: there is nothing to install
 *   dist/app/main.js           turns source maps on, then loads app.js
 *   dist/app/app.js (+ .map)   functions/*.ts and everything they import, in one file
 *   dist/app/lazy/*.js (+ .map)  packages the app `require()`s on first use, each in one file
 *   dist/app/lib/azure-functions.js (+ .map)  the Functions library, in a file of its own
 *   dist/app/explorer/*        the API explorer's files (swagger-ui-dist), served by functions/apiExplorer.ts
 *   dist/app/web/*             the web app (client/web, see bundleWebApp), served by functions/webApp.ts
 *
 * There is no node_modules: every `require` the app makes is of a file beside it, a Node built-in, or
 * `@azure/functions-core`, which the Functions worker provides.
 *
 * The repository's package.json `main` points at dist/app/main.js, so `npm start`, the tests and Azure
 * all load these same files.
 */
export const functionAppLayout = {
  /** Relative to the repository root. */
  outDir: 'dist/app',
  entryFile: 'main.js',
  bundleFile: 'app.js',
  lazyDir: 'lazy',
  libraryFile: 'lib/azure-functions.js',
  /** Outside the package: what went into each file, for the dependency checks. */
  metafile: 'dist/app.meta.json',
} as const;

export function functionAppDir(repoRoot: string): string {
  return path.join(repoRoot, functionAppLayout.outDir);
}
