import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request that went through the proxy, as the classifier named it, with its start and end. */
export interface RecordedCall<Label> {
  label: Label;
  /** performance.now() of this process: comparable across every proxy in it. */
  startedMs: number;
  endedMs: number;
  status: number;
}

export interface RecordingProxy<Label> {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Calls recorded since the last take, in the order they ended. */
  take(): RecordedCall<Label>[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of a dependency that notes every request it forwards: what it was (by
 * method and path) and when it started and ended, so the calls one service request makes, and how many of
 * them ran one after another, can be counted. Nothing is changed on the way, the Host header included.
 *
 * `answerDelayMs` holds every answer that long before passing it on. Calls a service makes at once reach
 * the proxy within a moment of each other, but on a busy machine a moment can outlast a local round trip,
 * and two calls made together then look like two rounds; held answers make "together" (start before the
 * other's end) hold by a margin. Calls made one after another still start after the other's (held) end. For
 * counting only: latency measured through it means nothing.
 */
export async function startRecordingProxy<Label>(
  upstream: string,
  classify: (method: string, url: string) => Label,
  options: { answerDelayMs?: number } = {},
): Promise<RecordingProxy<Label>> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const delayMs = options.answerDelayMs ?? 0;
  let calls: RecordedCall<Label>[] = [];
  const server: Server = createServer((req, res) => {
    const startedMs = performance.now();
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          setTimeout(() => {
            calls.push({
              label: classify(req.method ?? '', req.url ?? ''),
              startedMs,
              endedMs: performance.now(),
              status: answer.statusCode ?? 0,
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          }, delayMs);
        });
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
