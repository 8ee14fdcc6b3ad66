import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

export interface TestOidcIssuer {
  issuer: string;
  audience: string;
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
  /** A token as a well-behaved identity provider would sign it; claims and header can be overridden. */
  /** A claim given as undefined is left out. */
  sign(claims?: Record<string, unknown>, header?: Record<string, unknown>, key?: KeyLike): Promise<string>;
  /** Publish a new signing key (key rollover); the old one stays published unless told otherwise. */
  rollKey(options?: { dropOld?: boolean }): Promise<void>;
  requests(): number;
  close(): Promise<void>;
}

/**
 * An OIDC issuer on loopback: discovery and JWKS over real HTTP, its keys in the test's hands, so the
 * verifier is tested the way Entra ID would exercise it.
 */
export async function startTestOidcIssuer(audience = 'api://tests'): Promise<TestOidcIssuer> {
  let keys: Array<{ kid: string; privateKey: KeyLike; publicJwk: JWK }> = [await newKey()];
  let requestCount = 0;
  const server: Server = createServer((req, res) => {
    requestCount++;
    const current = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: current, jwks_uri: `${current}/keys` }));
    } else if (req.url === '/keys') {
      res.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const latest = () => keys[keys.length - 1]!;

  return {
    issuer,
    audience,
    get kid() {
      return latest().kid;
    },
    get privateKey() {
      return latest().privateKey;
    },
    get publicJwk() {
      return latest().publicJwk;
    },
    async sign(claims = {}, header = {}, key) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: issuer,
        aud: audience,
        sub: 'alice',
        iat: now,
        exp: now + 600,
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: latest().kid, ...header })
        .sign(key ?? latest().privateKey);
    },
    async rollKey(options = {}) {
      const key = await newKey();
      keys = options.dropOld ? [key] : [...keys, key];
    },
    requests: () => requestCount,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function newKey(): Promise<{ kid: string; privateKey: KeyLike; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `k${Math.random().toString(36).slice(2, 10)}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}
