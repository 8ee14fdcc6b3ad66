import { createHash } from 'node:crypto';

/**
 * A UUID (version 8, RFC 9562's custom version) that is a digest of its parts: the same parts always give
 * the same id, on any instance. It names things a retry must find again without any state in between: the
 * call an outbound request with a client's requestId places, the connection an Event Grid delivery answers
 * (redelivered with the same event id), the steps of an incoming-call menu.
 */
export function derivedUuid(...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000'), 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
