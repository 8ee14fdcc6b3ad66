import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';

/** The production issuer, written out here rather than imported so the test checks the emulator. */
export const acsCallbackIssuer = 'https://acscallautomation.communication.azure.com';

export interface ReceivedEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  specversion: string;
  time: string;
  datacontenttype: string;
  data: Record<string, unknown> & { callConnectionId: string; serverCallId: string; correlationId: string };
}

export interface ReceivedCallback {
  path: string;
  events: ReceivedEvent[];
  /** What jose made of the bearer token, against the emulator's JWKS, the issuer and the resource id. */
  verdict: { ok: true; claims: JWTPayload } | { ok: false; reason: string };
}

export interface CallbackReceiver {
  /** A fresh callback URI on this receiver; the name tells calls apart. */
  callbackUri(name?: string): string;
  received: ReceivedCallback[];
  /** Events posted to this URI with a token that verified, in arrival order. */
  eventsAt(uri: string): ReceivedEvent[];
  /** Waits until an event matching `predicate` arrived at `uri` (with a valid token). */
  waitForEvent(
    uri: string,
    predicate: (event: ReceivedEvent) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedEvent>;
  close(): Promise<void>;
}

/** Event type without its prefix. */
export const shortType = (event: ReceivedEvent) => event.type.replace('Microsoft.Communication.', '');

/** A local HTTP server standing in for the service's callback endpoint; it verifies every token it gets. */
export async function startCallbackReceiver(emulator: AcsEmulator): Promise<CallbackReceiver> {
  const jwks = createRemoteJWKSet(new URL(emulator.callbackJwksUrl));
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      let verdict: ReceivedCallback['verdict'];
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: acsCallbackIssuer,
          audience: emulator.resourceId,
          algorithms: ['RS256'],
        });
        verdict = { ok: true, claims: payload };
      } catch (error) {
        verdict = { ok: false, reason: error instanceof Error ? error.constructor.name : String(error) };
      }
      received.push({ path: req.url ?? '', events: JSON.parse(body) as ReceivedEvent[], verdict });
      res.writeHead(verdict.ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const eventsAt = (uri: string) => {
    const path = new URL(uri).pathname + new URL(uri).search;
    return received
      .filter((callback) => callback.path === path && callback.verdict.ok)
      .flatMap((callback) => callback.events);
  };
  return {
    callbackUri: (name = randomUUID()) => `${base}/callbacks/${name}`,
    received,
    eventsAt,
    waitForEvent: (uri, predicate, timeoutMs = 5000) =>
      waitFor(() => eventsAt(uri).find(predicate), timeoutMs, `an event at ${uri}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls until `probe` gives a value: what arrives over the network arrives when it does. */
export async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs = 5000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
