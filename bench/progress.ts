import { performance } from 'node:perf_hooks';

const started = performance.now();

/** One line on stderr with the time since the bench started, so stdout keeps only the report. */
export function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}
