import { build, type Metafile } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  webAppChunkPattern,
  webAppContentType,
  webAppEntryFile,
  webAppFilesDir,
} from '../functions/http/webAppFiles';
import { functionAppLayout } from './functionAppLayout';

export interface BundleWebAppOptions {
  repoRoot: string;
}

export interface BundledWebApp {
  outDir: string;
  /** File names in outDir, and their sizes in bytes. */
  files: Record<string, number>;
}

/** Copied as they are, beside the scripts. */
const staticFiles = [webAppEntryFile, 'styles.css'];
const entryScript = 'main.js';

/**
 * Writes the web app (client/web) to dist/app/web, where functions/webApp.ts serves it: main.js, the chunks
 * esbuild splits off, index.html and styles.css. The Calling SDK and MSAL are dynamic imports, so each is a
 * chunk of its own that a page loads only when the deployment needs it. The folder is flat, because the route
 * serves plain file names only: the build fails on any file it would not serve.
 */
export async function bundleWebApp(options: BundleWebAppOptions): Promise<BundledWebApp> {
  const { repoRoot } = options;
  const source = path.join(repoRoot, 'client/web');
  const outDir = path.join(repoRoot, functionAppLayout.outDir, webAppFilesDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { main: path.join(source, 'src/main.ts') },
    tsconfig: path.join(source, 'tsconfig.json'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outdir: outDir,
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  for (const file of staticFiles) copyFileSync(path.join(source, file), path.join(outDir, file));

  const files: Record<string, number> = {};
  for (const [output, { bytes }] of Object.entries((result.metafile as Metafile).outputs)) {
    files[path.basename(output)] = bytes;
  }
  const unserved = Object.keys(files).filter(
    (file) => !webAppContentType(file) || (file !== entryScript && !webAppChunkPattern.test(file)),
  );
  if (unserved.length > 0) {
    throw new Error(
      `the web app bundle has files functions/webApp.ts would not serve: ${unserved.join(', ')}`,
    );
  }
  return { outDir, files };
}
