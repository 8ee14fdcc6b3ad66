import { startRecordingProxy } from './recordingProxy';

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
 * A recording proxy (see recordingProxy) in front of Azurite that notes every Table request: what kind it
 * was and for which table. Table SharedKey signatures cover the path, not the host, so the proxied requests
 * still authenticate.
 */
export async function startTableCallRecorder(
  connectionString: string,
  options: { answerDelayMs?: number } = {},
): Promise<TableCallRecorder> {
  const endpoint = new URL(/TableEndpoint=([^;]+)/.exec(connectionString)?.[1] ?? '');
  const proxy = await startRecordingProxy(endpoint.origin, classify, options);
  const proxied = `${proxy.url}${endpoint.pathname.replace(/\/$/, '')}`;
  return {
    connectionString: connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${proxied}`),
    take: () => proxy.take().map(({ label, ...call }) => ({ ...label, ...call })),
    close: () => proxy.close(),
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
