import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';

export interface DevSigningKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  publicJwk: JWK;
}

/**
 * The dev issuer's RSA key. Kept in the data folder when there is one, so tokens handed out before a
 * restart still verify after it.
 */
export async function loadOrCreateDevSigningKey(keyFile?: string): Promise<DevSigningKey> {
  if (keyFile && existsSync(keyFile)) {
    const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { kid: string; privateJwk: JWK };
    return fromPrivateJwk(stored.kid, stored.privateJwk);
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = `dev-${Date.now().toString(36)}`;
  if (keyFile) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(`${keyFile}.tmp`, JSON.stringify({ kid, privateJwk }), { mode: 0o600 });
    renameSync(`${keyFile}.tmp`, keyFile);
  }
  return fromPrivateJwk(kid, privateJwk);
}

async function fromPrivateJwk(kid: string, privateJwk: JWK): Promise<DevSigningKey> {
  const { kty, n, e } = privateJwk;
  if (!kty || !n || !e) throw new Error('The dev signing key is not an RSA key.');
  const publicJwk: JWK = { kty, n, e, kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey: await importJWK(privateJwk, 'RS256'), publicJwk };
}
