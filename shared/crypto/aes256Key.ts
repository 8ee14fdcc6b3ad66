import { keyFingerprint } from './keyFingerprint';

/** An AES-256 key, and the id stored beside what it sealed (its fingerprint, never the key). */
export interface Aes256Key {
  material: Buffer;
  /** What was sealed under another key is unreadable to this one, so a new key needs no migration. */
  id: string;
}

const keyBytes = 32;

/** Parses a key given as base64 of 32 bytes; the error never quotes the value. */
export function parseAes256Key(base64: string): Aes256Key {
  const trimmed = base64.trim();
  const material = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || material.length !== keyBytes) {
    throw new Error(`The key must be base64 of ${keyBytes} random bytes.`);
  }
  return { material, id: keyFingerprint(material) };
}

export function isAes256Key(base64: string): boolean {
  try {
    parseAes256Key(base64);
    return true;
  } catch {
    return false;
  }
}
