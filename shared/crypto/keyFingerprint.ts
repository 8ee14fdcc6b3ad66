import { createHash } from 'node:crypto';

/**
 * Names a key without revealing it: the first 8 bytes of its SHA-256, hex. Safe to store and compare
 * because the keys it names are random (256-bit), so the digest cannot be turned back into the key.
 */
export function keyFingerprint(material: string | Uint8Array): string {
  return createHash('sha256').update(material).digest().subarray(0, 8).toString('hex');
}
