import type { IncomingMessage } from 'node:http';

export type RequestBody = { kind: 'complete'; bytes: Buffer } | { kind: 'tooLarge' };

/**
 * Reads the whole request body, refusing more than `maxBytes`: up front when Content-Length says so,
 * otherwise as soon as the streamed (chunked) bytes pass the limit. Refused bytes are drained, not
 * kept, so the client can still read the 413 it gets. Rejects when the client goes away mid-body.
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve({ kind: 'tooLarge' });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (outcome: () => void): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      settle(() => resolve({ kind: 'tooLarge' }));
      req.resume();
    };
    const onEnd = (): void =>
      settle(() => resolve({ kind: 'complete', bytes: Buffer.concat(chunks, received) }));
    const onError = (error: Error): void => settle(() => reject(error));
    const onClose = (): void => {
      if (!req.complete) settle(() => reject(new Error('client closed the request before its body ended')));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
