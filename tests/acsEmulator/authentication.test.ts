import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { identityClient, validateToken } from './acsTestClients';
import { signedFetch } from './signedFetch';

const accessKey = randomBytes(32).toString('base64');
let emulator: AcsEmulator;

beforeAll(async () => {
  emulator = await startAcsEmulator({ accessKey });
});
afterAll(() => emulator.close());

const createIdentityUrl = () => new URL('identities?api-version=2023-10-01', emulator.url).toString();

describe('HMAC authentication of ACS requests', () => {
  it('accepts a request signed by hand the way the SDK signs', async () => {
    const response = await signedFetch(createIdentityUrl(), { method: 'POST', body: '{}', accessKey });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ identity: { id: expect.stringMatching(/^8:acs:/) } });
  });

  it('answers 401 to a client holding the wrong key', async () => {
    const wrongKey = randomBytes(32).toString('base64');
    const client = identityClient(`endpoint=${emulator.url};accesskey=${wrongKey}`);
    await expect(client.createUser()).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 401,
      code: 'Denied',
    });
  });

  it('answers 401 to an x-ms-date more than 15 minutes off, either way', async () => {
    for (const offsetMinutes of [-16, 16]) {
      const date = new Date(Date.now() + offsetMinutes * 60_000);
      const response = await signedFetch(createIdentityUrl(), {
        method: 'POST',
        body: '{}',
        accessKey,
        date,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'Denied', message: expect.stringContaining('x-ms-date') },
      });
    }
    const nearlyStale = new Date(Date.now() - 14 * 60_000);
    expect(
      (await signedFetch(createIdentityUrl(), { method: 'POST', accessKey, date: nearlyStale })).status,
    ).toBe(201);
  });

  it('answers 401 when the body does not match its signed hash, or there is no signature', async () => {
    const signed = await signedFetch(createIdentityUrl(), { method: 'POST', body: '{}', accessKey });
    expect(signed.status).toBe(201);
    const tampered = await signedFetch(createIdentityUrl(), {
      method: 'POST',
      body: '{}',
      sentBody: '{"createTokenWithScopes":["chat"]}',
      accessKey,
    });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({
      error: { message: expect.stringContaining('x-ms-content-sha256') },
    });
    expect((await fetch(createIdentityUrl(), { method: 'POST' })).status).toBe(401);
  });

  it('signs the percent-encoded path and the query', async () => {
    const created = (await (
      await signedFetch(createIdentityUrl(), { method: 'POST', accessKey })
    ).json()) as {
      identity: { id: string };
    };
    const path = `identities/${encodeURIComponent(created.identity.id)}/:issueAccessToken?api-version=2023-10-01`;
    const response = await signedFetch(new URL(path, emulator.url).toString(), {
      method: 'POST',
      body: JSON.stringify({ scopes: ['chat'] }),
      accessKey,
    });
    expect(response.status).toBe(200);
  });

  it('requires a supported api-version', async () => {
    const missing = await signedFetch(new URL('identities', emulator.url).toString(), {
      method: 'POST',
      accessKey,
    });
    expect(missing.status).toBe(400);
    const wrong = await signedFetch(new URL('identities?api-version=2020-01-01', emulator.url).toString(), {
      method: 'POST',
      accessKey,
    });
    expect(wrong.status).toBe(400);
  });

  it('answers 400 to invalid JSON and 404 with an ACS error body to an unknown route', async () => {
    const invalid = await signedFetch(createIdentityUrl(), { method: 'POST', body: '{nope', accessKey });
    expect(invalid.status).toBe(400);
    const unknown = await fetch(new URL('nowhere', emulator.url), { method: 'GET' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
  });

  it('leaves validateToken unauthenticated but still answers 400 to a body without a token', async () => {
    const response = await fetch(new URL(':validateToken', emulator.url), { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
  });
});

describe('access key rotation', () => {
  // Its own emulator: rotating the key would break the signing tests above.
  let emulator: AcsEmulator;
  beforeAll(async () => {
    emulator = await startAcsEmulator();
  });
  afterAll(() => emulator.close());

  it('refuses the old key, accepts the new one and invalidates tokens issued under the old one', async () => {
    const oldClient = identityClient(emulator.connectionString());
    const { user, token: oldToken } = await oldClient.createUserAndToken(['chat']);

    const newKey = emulator.rotateAccessKey();
    expect(emulator.connectionString()).toBe(`endpoint=${emulator.url};accesskey=${newKey}`);
    await expect(oldClient.createUser()).rejects.toMatchObject({ name: 'RestError', statusCode: 401 });

    const newClient = identityClient(emulator.connectionString());
    const { token: newToken } = await newClient.getToken(user, ['chat']);
    expect(await validateToken(emulator, oldToken)).toEqual({ valid: false, reason: 'keyRotated' });
    expect(await validateToken(emulator, newToken)).toMatchObject({ valid: true });
  });

  it('rotates to a given key over HTTP', async () => {
    const chosen = randomBytes(32).toString('base64');
    const response = await fetch(new URL('__emulator/rotateKey', emulator.url), {
      method: 'POST',
      body: JSON.stringify({ accessKey: chosen }),
    });
    expect(await response.json()).toEqual({ accessKey: chosen });
    await expect(
      identityClient(`endpoint=${emulator.url};accesskey=${chosen}`).createUser(),
    ).resolves.toBeDefined();

    const random = (await (
      await fetch(new URL('__emulator/rotateKey', emulator.url), { method: 'POST' })
    ).json()) as {
      accessKey: string;
    };
    expect(random.accessKey).not.toBe(chosen);
    expect(emulator.connectionString()).toContain(random.accessKey);
  });

  it('refuses a key that is not base64', async () => {
    expect(() => emulator.rotateAccessKey('not base64!')).toThrow();
    const response = await fetch(new URL('__emulator/rotateKey', emulator.url), {
      method: 'POST',
      body: JSON.stringify({ accessKey: 'x' }),
    });
    expect(response.status).toBe(400);
  });
});
