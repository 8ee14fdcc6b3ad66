import { createHash } from 'node:crypto';

/**
 * PartitionKey/RowKey for a caller-supplied string. Keys may not hold `/ \ # ?` or control
 * characters and are capped at 1 KiB, while subject ids are arbitrary; a SHA-256 digest (base64url)
 * is fixed-length, always legal, and cannot inject into a query. The original string is stored as a
 * property of the entity.
 */
export function tableKey(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
