import path from 'node:path';
import { bundleFunctionApp } from './bundleFunctionApp';
import { bundleWebApp } from './bundleWebApp';

/** `npm run build`, after tsc: writes the deployable app to dist/app (see functionAppLayout). */
async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const bundled = await bundleFunctionApp({ repoRoot });
  const lazy = bundled.lazyPackages.length > 0 ? `; on first use: ${bundled.lazyPackages.join(', ')}` : '';
  console.log(
    `bundled ${bundled.functionFiles.length} function files into ${path.relative(repoRoot, bundled.outDir)}${lazy}`,
  );
  const web = await bundleWebApp({ repoRoot });
  const scripts = Object.keys(web.files).length;
  const kilobytes = Math.round(Object.values(web.files).reduce((sum, bytes) => sum + bytes, 0) / 1024);
  console.log(
    `bundled the web app into ${path.relative(repoRoot, web.outDir)} (${scripts} scripts, ${kilobytes} KB)`,
  );
}

main().catch((error: unknown) => {
  console.error(`bundling failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
