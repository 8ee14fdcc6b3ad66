import { performance } from 'node:perf_hooks';
import type { LoadShape } from './autocannonLoad';
import { countNon2xx, latencySummary, sampleError, type LoadResult } from './loadResult';

/**
 * The same load shape as autocannon for work that is not one HTTP request we can describe (an SDK
 * call): `connections` workers, each starting its next call when the last one ends, until the
 * duration is up; calls in flight then are waited for and counted (autocannon drops them). A call
 * that throws counts as an error, or as its HTTP status when it carries one.
 */
export async function runClosedLoop(
  name: string,
  shape: LoadShape,
  /** Resolves to the HTTP status when it has one to report (any status counts as an answer). */
  operation: (index: number) => Promise<number | void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  const errorSamples: string[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + shape.durationSeconds * 1000;
  let lastAnswer = started;

  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const status = String((await operation(next++)) ?? '2xx');
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      } catch (error) {
        const status = httpStatusOf(error);
        if (status === undefined) {
          errors++;
          sampleError(errorSamples, error);
        } else statusCounts[String(status)] = (statusCounts[String(status)] ?? 0) + 1;
      }
      lastAnswer = performance.now();
      latencies.push(lastAnswer - sent);
    }
  };
  await Promise.all(Array.from({ length: shape.connections }, worker));

  const durationSeconds = (lastAnswer - started) / 1000;
  return {
    name,
    driver: 'closed-loop',
    connections: shape.connections,
    durationSeconds,
    requests: latencies.length - errors,
    requestsPerSecond: (latencies.length - errors) / durationSeconds,
    latencyMs: latencySummary(latencies),
    errors,
    ...(errorSamples.length > 0 ? { errorSamples } : {}),
    non2xx: countNon2xx(statusCounts),
    statusCounts,
  };
}

/** The Azure SDKs throw RestError with `statusCode` when the server answered. */
function httpStatusOf(error: unknown): number | undefined {
  const status: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'statusCode') : undefined;
  return typeof status === 'number' ? status : undefined;
}
