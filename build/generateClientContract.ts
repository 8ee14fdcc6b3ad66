import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clientContractFiles } from './clientContract';

/** `npm run client:generate`: rewrites the client's generated files after an operation changed. */
async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..');
  for (const [file, text] of Object.entries(await clientContractFiles(repoRoot))) {
    mkdirSync(path.dirname(path.join(repoRoot, file)), { recursive: true });
    writeFileSync(path.join(repoRoot, file), text);
    console.log(`wrote ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(
    `generating the client contract failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
