import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { functionAppDir } from './functionAppLayout';

/**
 * `npm run package [-- --out DIR]`: after `npm run build`, the deployment package as `azd deploy`
 * makes it, in DIR (default dist/package). azd (service `api` in azure.yaml: `dist: dist/app`,
 * `remoteBuild: false`) runs `npm install` and `npm run build`, then zips dist/app as it is, leaving
 * out only `.azure` folders, `local.settings.json` and, were there one, what a `.funcignore` in it
 * names; nothing is installed or built on the server. This copies what that zip holds, and prints it.
 */
const MAX_PACKAGE_BYTES = 30 * 1024 * 1024;
const LEFT_OUT_BY_AZD = new Set(['.azure', 'local.settings.json', '.funcignore']);

interface PackagedFile {
  path: string;
  bytes: number;
}

function filesUnder(folder: string, relative = ''): PackagedFile[] {
  return readdirSync(path.join(folder, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) return filesUnder(folder, child);
    return [{ path: child, bytes: statSync(path.join(folder, child)).size }];
  });
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function main(): void {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  const out = path.resolve(values.out ?? path.join(repoRoot, 'dist/package'));
  const source = functionAppDir(repoRoot);
  if (existsSync(path.join(source, '.funcignore'))) {
    // The build writes none; azd would apply it, and this copy does not read ignore rules.
    throw new Error(`${source}/.funcignore: unexpected, the build does not write one`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(source, out, {
    recursive: true,
    filter: (file) => !LEFT_OUT_BY_AZD.has(path.basename(file)),
  });
  const files = filesUnder(out).sort((a, b) => b.bytes - a.bytes);
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  console.log(`deployment package: ${out}`);
  for (const file of files) console.log(`  ${megabytes(file.bytes).padStart(9)}  ${file.path}`);
  console.log(
    `  ${megabytes(total).padStart(9)}  in ${files.length} files (limit ${megabytes(MAX_PACKAGE_BYTES)})`,
  );
  if (total > MAX_PACKAGE_BYTES) {
    console.error(`the package is larger than ${megabytes(MAX_PACKAGE_BYTES)}`);
    process.exit(1);
  }
}

main();
