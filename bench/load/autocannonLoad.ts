import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { countNon2xx, latencySummary, sampleError, type LoadResult } from './loadResult';

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadShape {
  connections: number;
  durationSeconds: number;
}

/**
 * Drives one HTTP endpoint with autocannon: `connections` keep-alive connections, each sending its
 * next request as soon as the last is answered, for the whole duration. `nextRequest` is asked for
 * every single request, so each can carry another user's bearer or body.
 */
export async function runAutocannon(
  name: string,
  baseUrl: string,
  shape: LoadShape,
  nextRequest: () => HttpRequestSpec,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const started = performance.now();
  let lastAnswer = started;
  let finish: (outcome: { error?: unknown; result?: autocannon.Result }) => void = () => undefined;
  const finished = new Promise<{ error?: unknown; result?: autocannon.Result }>((resolve) => {
    finish = resolve;
  });
  const options: autocannon.Options = {
    url: baseUrl,
    connections: shape.connections,
    duration: shape.durationSeconds,
    requests: [
      {
        setupRequest: (request) => {
          const next = nextRequest();
          return {
            ...request,
            method: next.method,
            path: next.path,
            headers: { ...request.headers, ...next.headers },
            body: next.body ?? '',
          };
        },
      },
    ],
  };
  const instance = autocannon(options, (error, result) => finish({ error, result }));
  // autocannon's own histogram has 1 ms buckets: too coarse for a loopback floor, so keep every latency.
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    latencies.push(responseTimeMs);
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    lastAnswer = performance.now();
  });
  const errorSamples: string[] = [];
  instance.on('reqError', (requestError: unknown) => sampleError(errorSamples, requestError));
  const { error, result } = await finished;
  if (error || !result) throw new Error(`autocannon failed on ${name}: ${String(error)}`);
  const durationSeconds = (lastAnswer - started) / 1000;
  return {
    name,
    driver: 'autocannon',
    connections: shape.connections,
    durationSeconds,
    requests: latencies.length,
    requestsPerSecond: latencies.length / durationSeconds,
    latencyMs: latencySummary(latencies),
    errors: result.errors,
    ...(errorSamples.length > 0 ? { errorSamples } : {}),
    non2xx: countNon2xx(statusCounts),
    statusCounts,
  };
}
