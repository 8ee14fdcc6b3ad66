import { startRecordingProxy } from './recordingProxy';

export interface AcsCall {
  /** e.g. "POST /identities", "POST /identities/{id}/:issueAccessToken" */
  operation: string;
  startedMs: number;
  endedMs: number;
  status: number;
}

export interface AcsCallRecorder {
  /** A connection string like the given one, with the endpoint pointed at the recorder. */
  connectionString: string;
  /** Calls recorded since the last take, oldest first. */
  take(): AcsCall[];
  close(): Promise<void>;
}

/**
 * A recording proxy (see recordingProxy) in front of ACS (the emulator), so ACS calls are placed in time
 * beside the Table calls of the same request: a round trip to ACS is a dependency round like any other. The
 * HMAC signature covers the Host header, which the proxy passes on as sent, so requests still authenticate.
 */
export async function startAcsCallRecorder(
  connectionString: string,
  options: { answerDelayMs?: number } = {},
): Promise<AcsCallRecorder> {
  const endpoint = new URL(/endpoint=([^;]+)/i.exec(connectionString)?.[1] ?? '');
  const proxy = await startRecordingProxy(endpoint.origin, operationOf, options);
  return {
    connectionString: connectionString.replace(/endpoint=[^;]+/i, `endpoint=${proxy.url}/`),
    take: () => proxy.take().map(({ label, ...call }) => ({ operation: label, ...call })),
    close: () => proxy.close(),
  };
}

/** The route with identity ids left out, so calls of one kind count together. */
function operationOf(method: string, url: string): string {
  const path = decodeURIComponent(url.split('?')[0] ?? '').replace(/\/identities\/[^/]+/, '/identities/{id}');
  return `${method} ${path}`;
}
