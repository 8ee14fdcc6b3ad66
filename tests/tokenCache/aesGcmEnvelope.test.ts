import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from '../../shared/crypto/aesGcmEnvelope';

describe('AES-256-GCM envelope', () => {
  const key = randomBytes(32);

  it('opens with the same key and associated data, with a fresh 12-byte IV each time', () => {
    const first = sealEnvelope(key, 'plain text', 'row A');
    const second = sealEnvelope(key, 'plain text', 'row A');
    expect(openEnvelope(key, first, 'row A')).toBe('plain text');
    expect(Buffer.from(first.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(first.tag, 'base64')).toHaveLength(16);
    expect(second.iv).not.toBe(first.iv);
    expect(second.data).not.toBe(first.data);
  });

  it('refuses another key, other associated data, and any changed byte', () => {
    const envelope = sealEnvelope(key, 'plain text', 'row A');
    const flip = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    expect(() => openEnvelope(randomBytes(32), envelope, 'row A')).toThrow();
    expect(() => openEnvelope(key, envelope, 'row B')).toThrow();
    expect(() => openEnvelope(key, { ...envelope, data: flip(envelope.data) }, 'row A')).toThrow();
    expect(() => openEnvelope(key, { ...envelope, iv: flip(envelope.iv) }, 'row A')).toThrow();
    expect(() => openEnvelope(key, { ...envelope, tag: flip(envelope.tag) }, 'row A')).toThrow();
    expect(() => openEnvelope(key, { ...envelope, tag: envelope.tag.slice(0, 8) }, 'row A')).toThrow();
  });
});
