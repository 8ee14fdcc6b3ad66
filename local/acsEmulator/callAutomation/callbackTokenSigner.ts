import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { exportJWK, SignJWT, type JWK } from 'jose';
import type { SigningKeyMaterial } from '../acsTokenSigner';

/** The issuer ACS puts in every Call Automation callback token, kept here so the service verifies as in production. */
export const callAutomationIssuer = 'https://acscallautomation.communication.azure.com';

/** ACS callback tokens live five minutes; a new one is minted for every delivery. */
export const callbackTokenLifetimeSeconds = 5 * 60;

/**
 * How a token is made. `valid` is what ACS sends; the others are callback faults: a signature the
 * published key did not make (same kid), another resource's audience, a lifetime already over.
 */
export type CallbackTokenVariant = 'valid' | 'badSignature' | 'wrongAudience' | 'expired';

/** Signs the `Authorization: Bearer` JWTs on callbacks with the emulator's own RS256 key, and serves it as a JWKS. */
export class CallbackTokenSigner {
  private readonly publicKey: KeyObject;

  private constructor(
    private readonly kid: string,
    private readonly privateKey: KeyObject,
  ) {
    this.publicKey = createPublicKey(privateKey);
  }

  static fromKey(material: SigningKeyMaterial): CallbackTokenSigner {
    return new CallbackTokenSigner(material.kid, createPrivateKey(material.privateKeyPem));
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const jwk = await exportJWK(this.publicKey);
    return { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256' }] };
  }

  async sign(audience: string, variant: CallbackTokenVariant = 'valid', now = Date.now()): Promise<string> {
    const issuedAt = Math.floor(now / 1000) - (variant === 'expired' ? 2 * callbackTokenLifetimeSeconds : 0);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(callAutomationIssuer)
      .setAudience(variant === 'wrongAudience' ? randomUUID() : audience)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + callbackTokenLifetimeSeconds)
      .sign(this.privateKey);
    return variant === 'badSignature' ? withForgedSignature(token) : token;
  }
}

/** The same header and claims under a signature the key never made (one bit of it flipped). */
function withForgedSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
