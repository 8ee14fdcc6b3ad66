import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBenchOptions } from './benchOptions';
import { ChildProcessGroup } from './childProcessGroup';
import { progress } from './progress';
import { repoRoot } from './repoPaths';
import { resultsReport } from './resultsReport';
import { runBench } from './runBench';

/** `npm run bench [-- flags]`: see bench/README.md. */
async function main(): Promise<void> {
  const options = readBenchOptions(
    process.argv.slice(2),
    process.env,
    resolve(repoRoot, 'bench/results.json'),
  );
  const group = new ChildProcessGroup();
  try {
    const results = await runBench(options, group);
    writeFileSync(options.resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log(resultsReport(results));
    progress(`results written to ${options.resultsFile}`);
  } finally {
    progress('stopping child processes');
    await group.stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
