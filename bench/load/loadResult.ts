/** One measured run, whatever drove it: the figures every table row is made of. */
export interface LoadResult {
  name: string;
  driver: 'autocannon' | 'closed-loop';
  connections: number;
  /** Wall time from the first request sent to the last answer received. */
  durationSeconds: number;
  /** Answers received (any status). */
  requests: number;
  requestsPerSecond: number;
  /** Over every answer received, sub-millisecond resolution. */
  latencyMs: { p50: number; p99: number; max: number };
  /** Requests that got no HTTP answer: connection errors, timeouts, thrown errors. */
  errors: number;
  /** Answers with a status outside 2xx. */
  non2xx: number;
  statusCounts: Record<string, number>;
  /** A few distinct messages of those errors, to tell a client-side artifact from a service failure. */
  errorSamples?: string[];
  /** Share of the machine's CPU that processes other than the bench's used meanwhile (noise). */
  otherLoadPercent?: number;
}

/** Nearest-rank percentiles; the input is sorted in place. */
export function latencySummary(latenciesMs: number[]): LoadResult['latencyMs'] {
  latenciesMs.sort((a, b) => a - b);
  const at = (fraction: number) => {
    if (latenciesMs.length === 0) return Number.NaN;
    const rank = Math.ceil(fraction * latenciesMs.length);
    return latenciesMs[Math.min(latenciesMs.length, Math.max(1, rank)) - 1] as number;
  };
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

export function countNon2xx(statusCounts: Record<string, number>): number {
  return Object.entries(statusCounts)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Keeps the first few distinct error messages. */
export function sampleError(samples: string[], error: unknown, keep = 3): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}${causeOf(error)}` : String(error);
  if (samples.length < keep && !samples.includes(message)) samples.push(message);
}

function causeOf(error: Error): string {
  return error.cause instanceof Error ? ` (${error.cause.message})` : '';
}
