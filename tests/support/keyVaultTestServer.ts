import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { z } from 'zod';

export type KeyVaultRequestKind =
  'challenge' | 'unauthorized' | 'getSecret' | 'setSecret' | 'failed' | 'other';

export interface KeyVaultTestServer {
  /** With a trailing slash, e.g. http://127.0.0.1:PORT/ */
  url: string;
  tenantId: string;
  /** A credential whose token this vault accepts; it records what it was asked for. */
  credential: RecordingCredential;
  /** Adds a new version of the secret, as `PUT /secrets/{name}` does; returns the version. */
  setSecret(name: string, value: string): string;
  /** The next `times` authenticated secret requests answer `status` (e.g. 500, 503, 403). */
  failNext(status: number, times?: number): void;
  /** Requests answered, of one kind or in total. */
  requestCount(kind?: KeyVaultRequestKind): number;
  close(): Promise<void>;
}

export interface RecordingCredential extends TokenCredential {
  requests: Array<{ scopes: string[]; tenantId?: string }>;
}

/** A static credential: always the same bearer token, and a record of every request for one. */
export function staticTestCredential(token: string): RecordingCredential {
  const requests: RecordingCredential['requests'] = [];
  return {
    requests,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      requests.push({
        scopes: Array.isArray(scopes) ? scopes : [scopes],
        ...(options?.tenantId ? { tenantId: options.tenantId } : {}),
      });
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

interface SecretVersion {
  version: string;
  value: string;
  contentType?: string | undefined;
  tags?: Record<string, string> | undefined;
  created: number;
}

const setSecretBodySchema = z.object({
  value: z.string(),
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

/**
 * Key Vault's secrets API as the real SecretClient sees it on the wire, on a free loopback port:
 * the challenge flow (a request without a bearer gets 401 with `WWW-Authenticate: Bearer
 * authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`),
 * the bearer checked on every request, `GET /secrets/{name}/[{version}]` and `PUT /secrets/{name}`
 * (a new version each time). There is no Key Vault emulator to run instead.
 */
export async function startKeyVaultTestServer(): Promise<KeyVaultTestServer> {
  const tenantId = randomUUID();
  const acceptedToken = randomBytes(24).toString('base64url');
  const secrets = new Map<string, SecretVersion[]>();
  const counts = new Map<KeyVaultRequestKind, number>();
  let failures: { status: number; remaining: number } | undefined;
  let baseUrl = '';

  const count = (kind: KeyVaultRequestKind) => counts.set(kind, (counts.get(kind) ?? 0) + 1);

  const addVersion = (name: string, input: Omit<SecretVersion, 'version' | 'created'>): SecretVersion => {
    const version: SecretVersion = {
      ...input,
      version: randomBytes(16).toString('hex'),
      created: Math.floor(Date.now() / 1000),
    };
    secrets.set(name, [...(secrets.get(name) ?? []), version]);
    return version;
  };

  const bundle = (name: string, secret: SecretVersion) => ({
    value: secret.value,
    id: `${baseUrl}secrets/${name}/${secret.version}`,
    ...(secret.contentType ? { contentType: secret.contentType } : {}),
    ...(secret.tags ? { tags: secret.tags } : {}),
    attributes: {
      enabled: true,
      created: secret.created,
      updated: secret.created,
      recoveryLevel: 'Recoverable+Purgeable',
    },
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', baseUrl);
    const authorization = request.headers.authorization;
    if (!authorization) {
      count('challenge');
      return challenge(response, tenantId, 'AKV10000: Request is missing a Bearer or PoP token.');
    }
    if (authorization !== `Bearer ${acceptedToken}`) {
      count('unauthorized');
      return challenge(response, tenantId, 'AKV10032: Invalid issuer or token.');
    }
    if (!url.searchParams.get('api-version')) {
      count('other');
      return send(response, 400, error('BadParameter', 'The request URI must include api-version.'));
    }
    if (failures && failures.remaining > 0) {
      failures.remaining--;
      count('failed');
      return send(response, failures.status, error('Failure', 'Injected failure.'));
    }
    const match = /^\/secrets\/([0-9A-Za-z-]+)\/?([0-9a-f]*)$/.exec(url.pathname);
    const name = match?.[1];
    const version = match?.[2];
    if (request.method === 'GET' && name) {
      count('getSecret');
      const versions = secrets.get(name) ?? [];
      const secret = version ? versions.find((v) => v.version === version) : versions.at(-1);
      if (!secret)
        return send(response, 404, error('SecretNotFound', `A secret with (name/id) ${name} was not found.`));
      return send(response, 200, bundle(name, secret));
    }
    if (request.method === 'PUT' && name && !version) {
      count('setSecret');
      const parsed = setSecretBodySchema.safeParse(safeJson(body));
      if (!parsed.success) return send(response, 400, error('BadParameter', 'The secret value is missing.'));
      return send(response, 200, bundle(name, addVersion(name, parsed.data)));
    }
    count('other');
    return send(response, 404, error('NotFound', 'No such operation in this test vault.'));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, error('InternalError', 'Test server fault.')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: baseUrl,
    tenantId,
    credential: staticTestCredential(acceptedToken),
    setSecret: (name, value) => addVersion(name, { value }).version,
    failNext: (status, times = 1) => {
      failures = { status, remaining: times };
    },
    requestCount: (kind) =>
      kind === undefined ? [...counts.values()].reduce((sum, n) => sum + n, 0) : (counts.get(kind) ?? 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function challenge(response: ServerResponse, tenantId: string, message: string): void {
  response.setHeader(
    'WWW-Authenticate',
    `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="https://vault.azure.net"`,
  );
  send(response, 401, error('Unauthorized', message));
}

function error(code: string, message: string) {
  return { error: { code, message } };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
