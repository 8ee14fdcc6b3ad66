import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBearerTokenVerifier, type BearerTokenVerifier } from '../../shared/auth/bearerTokenVerifier';
import { ServiceError } from '../../shared/errors/serviceError';
import { startTestOidcIssuer, type TestOidcIssuer } from '../support/testOidcIssuer';

let idp: TestOidcIssuer;
let verifier: BearerTokenVerifier;

const options = (issuer: string) => ({
  issuer,
  audience: 'api://tests',
  algorithms: ['RS256'],
  clockSkewSeconds: 60,
  subjectClaim: 'sub',
  rolesClaim: 'roles',
  adminRole: 'admin',
});

beforeAll(async () => {
  idp = await startTestOidcIssuer();
  verifier = createBearerTokenVerifier(options(idp.issuer));
});
afterAll(() => idp.close());

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

async function statusOf(header: string | undefined): Promise<number> {
  try {
    await verifier.verify(header);
    return 200;
  } catch (error) {
    if (error instanceof ServiceError) return error.status;
    throw error;
  }
}

describe('bearer token verification', () => {
  it('accepts a well-formed token and reads subject and roles', async () => {
    const caller = await verifier.verify(
      `Bearer ${await idp.sign({ sub: 'alice', roles: ['admin', 'x'], oid: 'o-1' })}`,
    );
    expect(caller).toEqual({ subjectId: 'alice', roles: ['admin', 'x'], isAdmin: true, objectId: 'o-1' });
  });

  it('reads the subject from a configured claim (oid for Entra ID)', async () => {
    const oidVerifier = createBearerTokenVerifier({ ...options(idp.issuer), subjectClaim: 'oid' });
    const caller = await oidVerifier.verify(`Bearer ${await idp.sign({ sub: 'pairwise', oid: 'object-1' })}`);
    expect(caller.subjectId).toBe('object-1');
    await expect(oidVerifier.verify(`Bearer ${await idp.sign({ sub: 'x' })}`)).rejects.toMatchObject({
      status: 401,
    });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const attacks: Array<[string, () => Promise<string | undefined>]> = [
    ['no header', async () => undefined],
    ['not a bearer scheme', async () => `Basic ${base64url('a:b')}`],
    ['malformed token', async () => 'Bearer not.a.jwt'],
    ['expired', async () => `Bearer ${await idp.sign({ exp: now() - 3600, iat: now() - 7200 })}`],
    ['not yet valid', async () => `Bearer ${await idp.sign({ nbf: now() + 3600 })}`],
    ['no exp claim', async () => `Bearer ${await idp.sign({ exp: undefined })}`],
    ['wrong issuer', async () => `Bearer ${await idp.sign({ iss: 'https://evil.example' })}`],
    ['wrong audience', async () => `Bearer ${await idp.sign({ aud: 'api://someone-else' })}`],
    ['no subject', async () => `Bearer ${await idp.sign({ sub: undefined })}`],
    ['subject too long', async () => `Bearer ${await idp.sign({ sub: 'x'.repeat(257) })}`],
    [
      'alg none',
      async () => {
        const header = base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
        const payload = base64url(
          JSON.stringify({ iss: idp.issuer, aud: 'api://tests', sub: 'alice', exp: now() + 600 }),
        );
        return `Bearer ${header}.${payload}.`;
      },
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const publicPem = createPublicKey({
          key: idp.publicJwk as import('node:crypto').JsonWebKey,
          format: 'jwk',
        }).export({
          type: 'spki',
          format: 'pem',
        });
        const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: idp.kid }));
        const payload = base64url(
          JSON.stringify({ iss: idp.issuer, aud: 'api://tests', sub: 'alice', exp: now() + 600 }),
        );
        const signature = createHmac('sha256', publicPem).update(`${header}.${payload}`).digest('base64url');
        return `Bearer ${header}.${payload}.${signature}`;
      },
    ],
    ['unknown kid', async () => `Bearer ${await idp.sign({}, { kid: 'no-such-key' })}`],
    [
      'tampered payload',
      async () => {
        const [header, , signature] = (await idp.sign({ sub: 'alice' })).split('.');
        const forged = base64url(
          JSON.stringify({ iss: idp.issuer, aud: 'api://tests', sub: 'mallory', exp: now() + 600 }),
        );
        return `Bearer ${header}.${forged}.${signature}`;
      },
    ],
  ];

  it.each(attacks)('rejects %s with 401', async (_name, token) => {
    expect(await statusOf(await token())).toBe(401);
  });

  it('rejects a token signed by a key the issuer never published', async () => {
    const stranger = await startTestOidcIssuer();
    try {
      const token = await idp.sign({}, { kid: idp.kid }, stranger.privateKey);
      expect(await statusOf(`Bearer ${token}`)).toBe(401);
    } finally {
      await stranger.close();
    }
  });

  it('follows a key rollover without a restart', async () => {
    const rolling = createBearerTokenVerifier({ ...options(idp.issuer), jwksCooldownMs: 0 });
    await expect(rolling.verify(`Bearer ${await idp.sign()}`)).resolves.toMatchObject({ subjectId: 'alice' });
    await idp.rollKey({ dropOld: true });
    // The same verifier meets an unknown kid, fetches the key set again and accepts the new key.
    await expect(rolling.verify(`Bearer ${await idp.sign({ sub: 'bob' })}`)).resolves.toMatchObject({
      subjectId: 'bob',
    });
  });

  it('remembers a verified token until it expires, and forgets it once its key is withdrawn', async () => {
    const issuer = await startTestOidcIssuer();
    try {
      let nowMs = Date.now();
      const remembering = createBearerTokenVerifier({
        ...options(issuer.issuer),
        jwksCooldownMs: 0,
        clock: () => new Date(nowMs),
      });
      const expiresIn = 120;
      const token = await issuer.sign({ sub: 'carol', exp: Math.floor(nowMs / 1000) + expiresIn });
      await remembering.verify(`Bearer ${token}`);
      const requests = issuer.requests();
      // A retry of the same token is answered from memory, even with the issuer gone quiet.
      await expect(remembering.verify(`Bearer ${token}`)).resolves.toMatchObject({ subjectId: 'carol' });
      expect(issuer.requests()).toBe(requests);

      // Past its expiry (and the skew) it is checked again, and refused.
      nowMs += (expiresIn + 61) * 1000;
      await expect(remembering.verify(`Bearer ${token}`)).rejects.toMatchObject({ status: 401 });
      nowMs -= (expiresIn + 61) * 1000;

      // The issuer withdraws the key; a token under the new key makes the verifier fetch the set again,
      // and from then on the old token is checked against the new set, which no longer holds its key.
      const another = await issuer.sign({ sub: 'erin', exp: Math.floor(nowMs / 1000) + expiresIn });
      await remembering.verify(`Bearer ${another}`);
      await expect(remembering.verify(`Bearer ${another}`)).resolves.toMatchObject({ subjectId: 'erin' });
      await issuer.rollKey({ dropOld: true });
      await remembering.verify(`Bearer ${await issuer.sign({ sub: 'frank' })}`);
      await expect(remembering.verify(`Bearer ${another}`)).rejects.toMatchObject({ status: 401 });
    } finally {
      await issuer.close();
    }
  });

  it('answers 503, not 401, when the issuer cannot be reached', async () => {
    const gone = await startTestOidcIssuer();
    const token = await gone.sign();
    const unreachable = createBearerTokenVerifier(options(gone.issuer));
    await gone.close();
    await expect(unreachable.verify(`Bearer ${token}`)).rejects.toMatchObject({ status: 503 });
  });
});
