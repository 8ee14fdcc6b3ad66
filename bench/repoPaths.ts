import { resolve } from 'node:path';

/** Compiled, this file lives in dist/bench/: the repository is two folders up. */
export const repoRoot = resolve(__dirname, '..', '..');

export const repoPaths = {
  azuriteTableMain: resolve(repoRoot, 'node_modules/azurite/dist/src/table/main.js'),
  acsEmulatorMain: resolve(repoRoot, 'dist/local/acsEmulator/main.js'),
  localStart: resolve(repoRoot, 'dist/local/start.js'),
  bareHttpServer: resolve(repoRoot, 'dist/bench/floors/bareHttpServer.js'),
  importFunctionApp: resolve(repoRoot, 'dist/bench/coldStart/importFunctionApp.js'),
};
