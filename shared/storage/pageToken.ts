import { z } from 'zod';
import { badRequest } from '../errors/serviceError';

/**
 * Where the next page of one partition starts, opaque to clients: the last row key served, and, where a
 * client could ask for another partition with it, a digest of the partition it was issued for. Never the
 * SDK's own continuation token: that is passed to storage unchecked, and a forged one fails there as a 500.
 */
export interface PageTokenScope {
  /** The only row keys a genuine token can carry. */
  rowKeyPattern: RegExp;
  /** The partition being read, when the token must have been issued for it. */
  partitionKey?: string;
}

const tokenSchema = z
  .object({ after: z.string().max(512), partition: z.string().max(128).optional() })
  .strict();

export function encodePageToken(after: string, scope: Pick<PageTokenScope, 'partitionKey'> = {}): string {
  const token = { after, ...(scope.partitionKey === undefined ? {} : { partition: scope.partitionKey }) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The row key to read after; 400 for a token this service did not issue for this partition. */
export function decodePageToken(token: string, scope: PageTokenScope): string {
  const invalid = () =>
    badRequest('The continuation token is not valid.', { code: 'InvalidContinuationToken' });
  let decoded: z.infer<typeof tokenSchema>;
  try {
    decoded = tokenSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  if (!scope.rowKeyPattern.test(decoded.after) || decoded.partition !== scope.partitionKey) throw invalid();
  return decoded.after;
}
