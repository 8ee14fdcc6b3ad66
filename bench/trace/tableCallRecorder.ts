import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type TableCallKind =
  'point read' | 'query' | 'insert' | 'update/upsert' | 'delete' | 'table create' | 'batch';

export interface TableCall {
  kind: TableCallKind;
  table: string;
  startedMs: number;
  endedMs: number;
  status: number;
}

export interface TableCallRecorder {
  /** A connection string like the given one, with the table endpoint pointed at the recorder. */
  connectionString: string;
  /** Calls recorded since the last take, oldest first. */
  take(): TableCall[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of Azurite that notes every Table request: what kind it was,
 * for which table, and when it started and ended, so the Table calls one service request makes
 * (and how many of them run one after another) can be counted. Table SharedKey signatures cover the
 * path, not the host, so the proxied requests still authenticate.
 */
export async function startTableCallRecorder(connectionString: string): Promise<TableCallRecorder> {
  const endpoint = new URL(/TableEndpoint=([^;]+)/.exec(connectionString)?.[1] ?? '');
  const agent = new Agent({ keepAlive: true });
  let calls: TableCall[] = [];
  const server: Server = createServer((req, res) => {
    const startedMs = performance.now();
    const upstream = httpRequest(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () =>
          calls.push({
            ...classify(req.method ?? '', req.url ?? ''),
            startedMs,
            endedMs: performance.now(),
            status: answer.statusCode ?? 0,
          }),
        );
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxied = `http://127.0.0.1:${port}${endpoint.pathname.replace(/\/$/, '')}`;
  return {
    connectionString: connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${proxied}`),
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

/** From the Table REST API's shapes: `/acct/Table(PartitionKey='..',RowKey='..')` is one entity. */
function classify(method: string, url: string): { kind: TableCallKind; table: string } {
  const path = decodeURIComponent(url.split('?')[0] ?? '');
  const table = /^\/[^/]+\/([A-Za-z0-9]+)/.exec(path)?.[1] ?? '?';
  const entity = /\(PartitionKey=/.test(path);
  if (path.endsWith('/$batch')) return { kind: 'batch', table };
  if (/\/Tables(\(|$)/.test(path)) return { kind: 'table create', table: 'Tables' };
  if (method === 'GET') return { kind: entity ? 'point read' : 'query', table };
  if (method === 'POST') return { kind: 'insert', table };
  if (method === 'DELETE') return { kind: 'delete', table };
  return { kind: 'update/upsert', table };
}
