import path from 'node:path';
import { bundleFunctionApp } from './bundleFunctionApp';

/** `npm run build`, after tsc: writes the deployable app to dist/app (see functionAppLayout). */
async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const bundled = await bundleFunctionApp({ repoRoot });
  const lazy = bundled.lazyPackages.length > 0 ? `; on first use: ${bundled.lazyPackages.join(', ')}` : '';
  console.log(
    `bundled ${bundled.functionFiles.length} function files into ${path.relative(repoRoot, bundled.outDir)}${lazy}`,
  );
}

main().catch((error: unknown) => {
  console.error(`bundling failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
