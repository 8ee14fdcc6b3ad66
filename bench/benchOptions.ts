import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Concurrent connections (autocannon) or in-flight calls (closed loop), the same for every run. */
  connections: number;
  durationSeconds: number;
  /** Duration of the run with 429s injected by the emulator. */
  faultDurationSeconds: number;
  /** Duration of each run at one connection (latency with nothing queued). */
  aloneDurationSeconds: number;
  /** Already-mapped users the token scenarios rotate through. */
  users: number;
  /** Runs of each cold-start measurement; the median is reported. */
  coldStartRuns: number;
  /** Scenario and floor names to run; empty: all. */
  only: string[];
  /** Run the host under `node --cpu-prof` and summarize the profile at the end. */
  profile: boolean;
  quick: boolean;
  resultsFile: string;
  /** A commit whose build runs the first-token scenario beside this one; absent: none. */
  baseline?: string;
}

/** The commit the speed issue measured "today" at: first-token req/s is compared against its build. */
export const defaultBaseline = 'afb409f';

const usage = `usage: npm run bench -- [--quick] [--connections N] [--duration S] [--users N]
                          [--only name,name] [--profile] [--cold-start-runs N]
                          [--baseline REV|none]   (default ${defaultBaseline}; the before of first-token)
env: BENCH_CONNECTIONS, BENCH_DURATION, BENCH_USERS`;

/** Flags win over the environment; `--quick` is a smoke check (~3 s per run, fewer users). */
export function readBenchOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  defaultResultsFile: string,
): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      connections: { type: 'string' },
      duration: { type: 'string' },
      users: { type: 'string' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'cold-start-runs': { type: 'string' },
      results: { type: 'string' },
      baseline: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const durationSeconds = positive('duration', values.duration ?? env.BENCH_DURATION, quick ? 3 : 10);
  return {
    connections: positive('connections', values.connections ?? env.BENCH_CONNECTIONS, 16),
    durationSeconds,
    faultDurationSeconds: quick ? 3 : 5,
    aloneDurationSeconds: quick ? 1 : 3,
    users: positive('users', values.users ?? env.BENCH_USERS, quick ? 400 : 2000),
    coldStartRuns: positive('cold-start-runs', values['cold-start-runs'], quick ? 3 : 5),
    only: (values.only ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
    profile: values.profile ?? false,
    quick,
    resultsFile: values.results ?? defaultResultsFile,
    ...(values.baseline === 'none' ? {} : { baseline: values.baseline ?? defaultBaseline }),
  };
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, not "${raw}"\n${usage}`);
  return value;
}

/** Whether a named run is selected by `--only` (everything is, without it). */
export function isSelected(options: BenchOptions, name: string): boolean {
  return options.only.length === 0 || options.only.includes(name);
}
