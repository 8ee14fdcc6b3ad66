import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM ciphertext with what it takes to open it again, each part base64. */
export interface AesGcmEnvelope {
  iv: string;
  tag: string;
  data: string;
}

const algorithm = 'aes-256-gcm';
// 96-bit IVs are what GCM is specified for; random ones are safe for far more messages than one key sees.
const ivBytes = 12;
const tagBytes = 16;

/**
 * Encrypts and authenticates `plaintext`, and binds it to `associatedData`: the envelope opens only
 * with the same associated data, so it cannot be moved to another context (another row) unnoticed.
 */
export function sealEnvelope(key: Uint8Array, plaintext: string, associatedData: string): AesGcmEnvelope {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** The plaintext, or a throw when the key, the associated data or any byte of the envelope differs. */
export function openEnvelope(key: Uint8Array, envelope: AesGcmEnvelope, associatedData: string): string {
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  // A short tag would weaken the check; GCM would otherwise accept it.
  if (iv.length !== ivBytes || tag.length !== tagBytes) throw new Error('Malformed envelope.');
  const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}
