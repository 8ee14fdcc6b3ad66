import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { createDevIssuer, type DevIssuer } from '../../local/devIssuer/devIssuer';
import { loadOrCreateDevSigningKey, type DevSigningKey } from '../../local/devIssuer/devSigningKey';
import {
  callAutomationSettings,
  incomingCallsSubscription,
  localAudience,
  localIncomingCallRole,
} from '../../local/startLocalStack';

let emulator: AcsEmulator;
let signingKey: DevSigningKey;
let devIssuer: DevIssuer;
const baseUrl = 'http://localhost:7071';
const issuer = `${baseUrl}/dev`;

beforeAll(async () => {
  emulator = await startAcsEmulator();
  signingKey = await loadOrCreateDevSigningKey();
  devIssuer = createDevIssuer({ issuer: () => issuer, audience: localAudience, signingKey });
});
afterAll(() => emulator.close());

/** Verifies a token as the service's OIDC verifier would: the dev issuer's key, issuer and audience. */
const verifyAsTheService = (token: string) =>
  jwtVerify(token, createLocalJWKSet({ keys: [signingKey.publicJwk] }), { issuer, audience: localAudience });

describe('the local stack points Call Automation at the embedded emulator', () => {
  it("sets the callback base URL, the emulator's resource id as audience and its JWKS, unless given", () => {
    expect(callAutomationSettings(emulator, baseUrl, {})).toEqual({
      CALLBACK_BASE_URL: baseUrl,
      CALL_AUTOMATION_AUDIENCE: emulator.resourceId,
      CALL_AUTOMATION_JWKS_URL: `${emulator.url}calling/keys`,
    });
    expect(
      callAutomationSettings(emulator, baseUrl, {
        CALLBACK_BASE_URL: 'https://tunnel.example',
        CALL_AUTOMATION_AUDIENCE: 'other',
      }),
    ).toMatchObject({ CALLBACK_BASE_URL: 'https://tunnel.example', CALL_AUTOMATION_AUDIENCE: 'other' });
  });

  it('subscribes Event Grid to the webhook with a dev-issuer token for event-grid carrying the incoming-call role', async () => {
    const subscription = incomingCallsSubscription(devIssuer, baseUrl, {});
    expect(subscription.endpoint).toBe(`${baseUrl}/api/callautomation/incoming-calls`);
    const { payload } = await verifyAsTheService((await subscription.authorization?.()) ?? '');
    expect(payload).toMatchObject({ sub: 'event-grid', roles: [localIncomingCallRole] });

    const custom = incomingCallsSubscription(devIssuer, baseUrl, { INCOMING_CALL_ROLE: 'Calls.Incoming' });
    const { payload: customClaims } = await verifyAsTheService((await custom.authorization?.()) ?? '');
    expect(customClaims['roles']).toEqual(['Calls.Incoming']);
  });

  it('passes the handshake of a webhook that checks the token as the service does', async () => {
    const seen: string[] = [];
    const webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        verifyAsTheService(token).then(
          ({ payload }) => {
            seen.push(String(payload.sub));
            const [event] = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{
              data: { validationCode: string };
            }>;
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ validationResponse: event?.data.validationCode }));
          },
          () => res.writeHead(401).end(),
        );
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    try {
      const local = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;
      const view = await emulator.setEventGridSubscription(incomingCallsSubscription(devIssuer, local, {}));
      expect(view).toMatchObject({ validated: true, endpoint: `${local}/api/callautomation/incoming-calls` });
      expect(seen).toEqual(['event-grid']);
    } finally {
      await new Promise<void>((resolve) => webhook.close(() => resolve()));
    }
  });
});
