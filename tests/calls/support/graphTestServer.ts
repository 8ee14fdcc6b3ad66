import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** What a test sees of each request the Graph stand-in answered. */
export interface GraphRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface GraphTestServer {
  /** With the version, as GRAPH_BASE_URL takes it. */
  baseUrl: string;
  /** The bearer token it accepts. */
  token: string;
  requests: GraphRequest[];
  /** The next `count` requests get this status (with Retry-After when given) instead of a meeting. */
  failNext(status: number, count?: number, retryAfterSeconds?: number): void;
  /** Answers 403 from now on, as Graph does for an app without an application access policy. */
  denyAccess(): void;
  close(): Promise<void>;
}

/** The body Graph requires for `POST /users/{id}/onlineMeetings` (the parts the service sends). */
const onlineMeetingBodySchema = z
  .object({ subject: z.string(), startDateTime: z.iso.datetime(), endDateTime: z.iso.datetime() })
  .strict()
  .refine((body) => Date.parse(body.endDateTime) > Date.parse(body.startDateTime), 'end must follow start');

/**
 * A wire-level stand-in for Microsoft Graph's onlineMeetings endpoint: checks the bearer token, the
 * path and the body as Graph would (401 / 404 / 400), and answers 201 with an id and a join link.
 */
export async function startGraphTestServer(organizerUserId: string): Promise<GraphTestServer> {
  const token = `graph-${randomUUID()}`;
  const requests: GraphRequest[] = [];
  const failures: Array<{ status: number; retryAfterSeconds: number | undefined }> = [];
  const meetingsPath = `/v1.0/users/${encodeURIComponent(organizerUserId)}/onlineMeetings`;
  let accessDenied = false;

  const server = createServer((request, response) => void answer(request, response));
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const authorization = request.headers.authorization;
    requests.push({ method: request.method ?? '', path: request.url ?? '', authorization, body });
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
      return reply(failure.status, { error: { code: 'injected', message: 'injected failure' } }, headers);
    }
    if (authorization !== `Bearer ${token}`) {
      return reply(401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
      });
    }
    if (accessDenied) {
      return reply(403, {
        error: { code: 'Forbidden', message: 'No application access policy found for this app.' },
      });
    }
    const url = new URL(request.url ?? '/', 'http://graph');
    // Listing by join link is the one list application permissions allow.
    if (request.method === 'GET' && url.pathname === meetingsPath) {
      const filter = url.searchParams.get('$filter') ?? '';
      if (!/^JoinWebUrl eq '[^']+'$/.test(filter)) {
        return reply(400, { error: { code: 'BadRequest', message: 'A JoinWebUrl filter is required.' } });
      }
      return reply(200, { value: [] });
    }
    if (request.method !== 'POST' || request.url !== meetingsPath) {
      return reply(404, { error: { code: 'NotFound', message: 'No such resource.' } });
    }
    const parsed = onlineMeetingBodySchema.safeParse(body);
    if (!parsed.success || request.headers['content-type'] !== 'application/json') {
      return reply(400, { error: { code: 'BadRequest', message: 'Invalid request body.' } });
    }
    const id = `MSo${randomUUID().replace(/-/g, '')}`;
    return reply(201, {
      id,
      subject: parsed.data.subject,
      startDateTime: parsed.data.startDateTime,
      endDateTime: parsed.data.endDateTime,
      joinWebUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${id}%40thread.v2/0?context=%7b%7d`,
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1.0`,
    token,
    requests,
    failNext(status, count = 1, retryAfterSeconds) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfterSeconds });
    },
    denyAccess() {
      accessDenied = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
