import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a hold is matched on: the request as the service sent it. */
export interface WireRequest {
  method: string;
  /** Path and query, decoded. */
  path: string;
  body: string;
}

export interface HeldExchange {
  /** Resolves once the matching request is held: before it went upstream, or after upstream answered. */
  arrived: Promise<void>;
  /** Lets it go on (forwarded, or its answer delivered). */
  release(): void;
}

/**
 * A pass-through HTTP proxy in front of a dependency (Azurite, the ACS emulator) that can hold one exchange
 * at a chosen point, so a test decides the order in which concurrent requests reach the dependency and hear
 * back: an interleaving made certain instead of hoped for. Nothing is changed on the way; Table SharedKey and
 * ACS HMAC signatures still verify, as the Host header is passed as sent.
 */
export interface WireHold {
  /** http://127.0.0.1:PORT */
  url: string;
  /**
   * The next request matching is held, once: at 'request' before it is forwarded (the dependency has done
   * nothing yet), at 'response' after the dependency answered (it has done the work; the caller has not
   * heard).
   */
  hold(match: (request: WireRequest) => boolean, at: 'request' | 'response'): HeldExchange;
  /** Forgets holds nothing matched (a test that failed early), so they cannot catch another test's requests. */
  clear(): void;
  close(): Promise<void>;
}

interface PendingHold {
  match: (request: WireRequest) => boolean;
  at: 'request' | 'response';
  arrive(): void;
  released: Promise<void>;
}

export async function startWireHold(upstream: string): Promise<WireHold> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const pending: PendingHold[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const request = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(req.url ?? '/'),
          body: body.toString('utf8'),
        };
        const index = pending.findIndex((hold) => hold.match(request));
        const hold = index >= 0 ? pending.splice(index, 1)[0] : undefined;
        if (hold?.at === 'request') {
          hold.arrive();
          await hold.released;
        }
        const answer = await forward(req.method ?? 'GET', req.url ?? '/', req.headers, body);
        if (hold?.at === 'response') {
          hold.arrive();
          await hold.released;
        }
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })().catch(() => res.destroy());
    });
  });

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstreamRequest = httpRequest(
        { host: target.hostname, port: target.port, method, path, headers, agent },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(parts),
            }),
          );
          answer.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold(match, at) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      pending.push({ match, at, arrive, released });
      return { arrived, release };
    },
    clear() {
      pending.splice(0, pending.length);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/** The connection string with Table traffic sent through the hold (same account path, same key). */
export function tablesThrough(connectionString: string, hold: WireHold): string {
  const endpoint = new URL(/TableEndpoint=([^;]+)/.exec(connectionString)?.[1] ?? '');
  return connectionString.replace(
    /TableEndpoint=[^;]+/,
    `TableEndpoint=${hold.url}${endpoint.pathname.replace(/\/$/, '')}`,
  );
}

/** The ACS connection string with its endpoint sent through the hold (same access key). */
export function acsThrough(connectionString: string, hold: WireHold): string {
  return connectionString.replace(/endpoint=[^;]+/, `endpoint=${hold.url}/`);
}
