import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy, and what the service answered. */
export interface ProxiedRequest {
  path: string;
  /** Which target took it (its index in the proxy's targets). */
  target: number;
  authorization: string | undefined;
  body: string;
  status: number;
  response: string;
}

export interface CallbackProxy {
  /** With no trailing slash: what CALLBACK_BASE_URL is set to. */
  url: string;
  /** The service instances behind it; requests go to them in turn. */
  setTargets(targets: readonly string[]): void;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * Stands between the ACS emulator and the service where ACS's network would be: it passes callbacks on
 * unchanged (to several instances in turn, as a load balancer would) and keeps a copy of each, so a test can
 * replay what an eavesdropper could have captured, a real ACS token included.
 */
const hopByHop = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export async function startCallbackProxy(): Promise<CallbackProxy> {
  let targets: string[] = [];
  let next = 0;
  const requests: ProxiedRequest[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const target = next++ % Math.max(1, targets.length);
      const path = request.url ?? '/';
      try {
        const answer = await fetch(`${targets[target]}${path}`, {
          method: request.method ?? 'POST',
          headers: Object.fromEntries(
            Object.entries(request.headers).filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string' && !hopByHop.has(entry[0]),
            ),
          ),
          ...(body ? { body } : {}),
        });
        const text = await answer.text();
        requests.push({
          path,
          target,
          authorization: request.headers.authorization,
          body,
          status: answer.status,
          response: text,
        });
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'text/plain',
        });
        response.end(text);
      } catch {
        response.writeHead(502);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTargets(list) {
      targets = [...list];
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
