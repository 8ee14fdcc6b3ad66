import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { DevSigningKey } from './devSigningKey';

export const devTokenRequestSchema = z
  .object({
    sub: z.string().min(1).max(256),
    roles: z.array(z.string().min(1).max(100)).max(20).optional(),
    name: z.string().max(200).optional(),
    oid: z.string().max(100).optional(),
  })
  .strict();
export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;

export interface DevIssuerOptions {
  /** The issuer URL, e.g. http://localhost:7071/dev; known only once the server listens, hence a function. */
  issuer: () => string;
  audience: string;
  signingKey: DevSigningKey;
  tokenLifetimeSeconds?: number;
}

export interface DevIssuer {
  issueToken(
    request: DevTokenRequest,
  ): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }>;
  /** Serves `/.well-known/openid-configuration`, `/jwks.json` and `POST /token` below the mount path. */
  handle(req: IncomingMessage, res: ServerResponse, pathBelowMount: string): Promise<void>;
}

/**
 * A stand-in for the app's identity provider on a developer's machine: it signs real RS256 JWTs and
 * publishes discovery and JWKS, so the service verifies them on exactly the production code path.
 */
export function createDevIssuer(options: DevIssuerOptions): DevIssuer {
  const lifetime = options.tokenLifetimeSeconds ?? 3600;

  const issueToken: DevIssuer['issueToken'] = async (request) => {
    const jwt = await new SignJWT({
      ...(request.roles ? { roles: request.roles } : {}),
      ...(request.name ? { name: request.name } : {}),
      ...(request.oid ? { oid: request.oid } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: options.signingKey.kid, typ: 'JWT' })
      .setIssuer(options.issuer())
      .setAudience(options.audience)
      .setSubject(request.sub)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${lifetime}s`)
      .sign(options.signingKey.privateKey);
    return { access_token: jwt, token_type: 'Bearer', expires_in: lifetime };
  };

  return {
    issueToken,
    async handle(req, res, pathBelowMount) {
      const path = pathBelowMount.split('?')[0] ?? '';
      if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
        return sendJson(res, 200, {
          issuer: options.issuer(),
          jwks_uri: `${options.issuer()}/jwks.json`,
          token_endpoint: `${options.issuer()}/token`,
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['token'],
          subject_types_supported: ['public'],
        });
      }
      if (req.method === 'GET' && path === '/jwks.json') {
        return sendJson(res, 200, { keys: [options.signingKey.publicJwk] });
      }
      if (path === '/token') {
        if (req.method !== 'POST') return sendProblem(res, 405, 'MethodNotAllowed', 'Use POST.');
        const body = await readSmallJson(req);
        const parsed = devTokenRequestSchema.safeParse(body);
        if (!parsed.success) {
          return sendProblem(
            res,
            400,
            'BadRequest',
            'Body must be {"sub": string, "roles"?: string[], "name"?: string}.',
          );
        }
        return sendJson(res, 200, await issueToken(parsed.data));
      }
      return sendProblem(res, 404, 'NotFound', 'No such dev sign-in endpoint.');
    },
  };
}

async function readSmallJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendProblem(res: ServerResponse, status: number, code: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: code, status, detail, code }));
}
