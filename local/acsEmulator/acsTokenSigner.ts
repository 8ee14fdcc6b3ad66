import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { rawIdOfSkypeId, skypeIdOf } from './communicationIdentifier';
import { isAcsTokenScope, scopeClaim, type AcsTokenScope } from './tokenRules';

export interface SigningKeyMaterial {
  kid: string;
  privateKeyPem: string;
}

export interface AcsTokenGrant {
  communicationUserId: string;
  scopes: readonly AcsTokenScope[];
  expiresOn: Date;
  /** From TokenSequence: places the token exactly against revocations. */
  sequence: number;
  /** The access-key generation the token is issued under; a rotation invalidates older ones. */
  keyGeneration: number;
  resourceId: string;
}

export interface IssuedAcsToken {
  token: string;
  expiresOn: string;
}

export interface VerifiedAcsToken {
  communicationUserId: string;
  scopes: AcsTokenScope[];
  expiresOn: string;
  sequence: number;
  keyGeneration: number;
}

export type AcsTokenVerdict =
  { ok: true; token: VerifiedAcsToken } | { ok: false; reason: 'malformed' | 'badSignature' | 'expired' };

/** Signs and checks the emulator's RS256 tokens, shaped like the ones ACS issues. */
export class AcsTokenSigner {
  private readonly publicKey: KeyObject;

  private constructor(
    private readonly kid: string,
    private readonly privateKey: KeyObject,
  ) {
    this.publicKey = createPublicKey(privateKey);
  }

  static async generateKey(): Promise<SigningKeyMaterial> {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return { kid: `acs-emulator-${randomUUID()}`, privateKeyPem };
  }

  static fromKey(material: SigningKeyMaterial): AcsTokenSigner {
    return new AcsTokenSigner(material.kid, createPrivateKey(material.privateKeyPem));
  }

  async sign(grant: AcsTokenGrant, now = new Date()): Promise<IssuedAcsToken> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = Math.floor(grant.expiresOn.getTime() / 1000);
    const token = await new SignJWT({
      skypeid: skypeIdOf(grant.communicationUserId),
      scp: scopeClaim(grant.scopes),
      csi: String(issuedAt),
      acsScope: grant.scopes.join(','),
      resourceId: grant.resourceId,
      rgn: 'amer',
      resourceLocation: 'unitedstates',
      tokenSequence: grant.sequence,
      keyGeneration: grant.keyGeneration,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.privateKey);
    return { token, expiresOn: new Date(expiresAt * 1000).toISOString() };
  }

  async verify(token: string): Promise<AcsTokenVerdict> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, { algorithms: ['RS256'] }));
    } catch (error) {
      return { ok: false, reason: failureReason(error) };
    }
    const verified = readClaims(payload);
    return verified ? { ok: true, token: verified } : { ok: false, reason: 'malformed' };
  }
}

function failureReason(error: unknown): 'malformed' | 'badSignature' | 'expired' {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'badSignature';
  return 'malformed';
}

function readClaims(payload: JWTPayload): VerifiedAcsToken | undefined {
  const { skypeid, acsScope, exp, tokenSequence, keyGeneration } = payload;
  if (typeof skypeid !== 'string' || typeof acsScope !== 'string' || typeof exp !== 'number')
    return undefined;
  if (typeof tokenSequence !== 'number' || typeof keyGeneration !== 'number') return undefined;
  const scopes = acsScope.split(',');
  if (!scopes.every(isAcsTokenScope)) return undefined;
  return {
    communicationUserId: rawIdOfSkypeId(skypeid),
    scopes,
    expiresOn: new Date(exp * 1000).toISOString(),
    sequence: tokenSequence,
    keyGeneration,
  };
}
