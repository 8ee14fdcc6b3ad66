import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { identityClient, validateToken } from './acsTestClients';
import { entraToken } from './entraToken';

let emulator: AcsEmulator;
let client: ReturnType<typeof identityClient>;

beforeAll(async () => {
  emulator = await startAcsEmulator({ resourceId: 'res-1' });
  client = identityClient(emulator.connectionString());
});
afterAll(() => emulator.close());

const minutesFromNow = (iso: string) => (Date.parse(iso) - Date.now()) / 60_000;

describe('identities and tokens through CommunicationIdentityClient', () => {
  it('creates an identity shaped like ACS ids and lists it', async () => {
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:res-1_[0-9a-f-]{36}$/);
    expect(emulator.identities()).toContainEqual(
      expect.objectContaining({ id: user.communicationUserId, deleted: false }),
    );
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('creates an identity with a token, valid with its scopes and a default day of life', async () => {
    const { user, token, expiresOn } = await client.createUserAndToken(['chat', 'voip']);
    expect(minutesFromNow(expiresOn.toISOString())).toBeGreaterThan(1438);
    const validation = await validateToken(emulator, token);
    expect(validation).toEqual({
      valid: true,
      communicationUserId: user.communicationUserId,
      scopes: ['chat', 'voip'],
      expiresOn: expiresOn.toISOString(),
    });
  });

  it('issues tokens with the asked scopes and expiry, shaped like ACS tokens', async () => {
    const user = await client.createUser();
    const { token, expiresOn } = await client.getToken(user, ['voip.join'], { tokenExpiresInMinutes: 60 });
    expect(minutesFromNow(expiresOn.toISOString())).toBeCloseTo(60, 0);
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      skypeid: user.communicationUserId.slice(2),
      acsScope: 'voip.join',
      resourceId: 'res-1',
      scp: expect.any(Number),
      csi: expect.any(String),
      exp: Math.floor(expiresOn.getTime() / 1000),
    });
    expect(await validateToken(emulator, token)).toMatchObject({ valid: true, scopes: ['voip.join'] });
  });

  it('revokes exactly: a token from before the revoke is invalid, one right after is valid', async () => {
    const user = await client.createUser();
    const before = await client.getToken(user, ['chat']);
    await client.revokeTokens(user);
    const after = await client.getToken(user, ['chat']);
    expect(await validateToken(emulator, before.token)).toEqual({ valid: false, reason: 'revoked' });
    expect(await validateToken(emulator, after.token)).toMatchObject({ valid: true });
  });

  it('deletes: the identity answers 404 and its tokens are invalid', async () => {
    const user = await client.createUser();
    const { token } = await client.getToken(user, ['chat']);
    await client.deleteUser(user);
    await expect(client.getToken(user, ['chat'])).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 404,
    });
    await expect(client.revokeTokens(user)).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.deleteUser(user)).rejects.toMatchObject({ statusCode: 404 });
    expect(await validateToken(emulator, token)).toEqual({ valid: false, reason: 'identityDeleted' });
    expect(emulator.identities()).toContainEqual(
      expect.objectContaining({ id: user.communicationUserId, deleted: true }),
    );
  });

  it('refuses expiries outside 60..1440 and unknown or missing scopes with 400', async () => {
    const user = await client.createUser();
    for (const minutes of [59, 1441, 90.5]) {
      await expect(client.getToken(user, ['chat'], { tokenExpiresInMinutes: minutes })).rejects.toMatchObject(
        {
          statusCode: 400,
          code: 'ValidationError',
        },
      );
    }
    await expect(client.createUserAndToken(['chat'], { tokenExpiresInMinutes: 30 })).rejects.toMatchObject({
      statusCode: 400,
    });
    // The SDK's types only allow known scopes; a cast shows what the service does with anything else.
    await expect(client.getToken(user, ['admin' as 'chat'])).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.getToken(user, [])).rejects.toMatchObject({ statusCode: 400 });
    expect(
      await client.getToken(user, ['chat.join.limited'], { tokenExpiresInMinutes: 1440 }),
    ).toHaveProperty('token');
  });

  it('answers 404 for an identity it never created', async () => {
    const stranger = { communicationUserId: '8:acs:res-1_00000000-0000-0000-0000-000000000000' };
    await expect(client.getToken(stranger, ['chat'])).rejects.toMatchObject({
      statusCode: 404,
      code: 'IdentityNotFound',
    });
  });

  it('reports malformed and foreign tokens as invalid', async () => {
    expect(await validateToken(emulator, 'not-a-jwt')).toEqual({ valid: false, reason: 'malformed' });
    const other = await startAcsEmulator();
    try {
      const { token } = await identityClient(other.connectionString()).createUserAndToken(['chat']);
      expect(await validateToken(emulator, token)).toEqual({ valid: false, reason: 'badSignature' });
    } finally {
      await other.close();
    }
  });
});

describe('Teams user exchange', () => {
  const userObjectId = '7c2e1f7a-0000-4000-8000-000000000001';
  const clientId = 'a1b2c3d4-0000-4000-8000-000000000002';
  const aadToken = (claims: Record<string, unknown> = {}) =>
    entraToken({ appid: clientId, oid: userObjectId, exp: Math.floor(Date.now() / 1000) + 3600, ...claims });

  it('exchanges a matching Entra token for an 8:orgid token', async () => {
    const result = await client.getTokenForTeamsUser({
      teamsUserAadToken: aadToken(),
      clientId,
      userObjectId,
    });
    expect(minutesFromNow(result.expiresOn.toISOString())).toBeCloseTo(60, 0);
    expect(await validateToken(emulator, result.token)).toMatchObject({
      valid: true,
      communicationUserId: `8:orgid:${userObjectId}`,
    });
    const viaAzp = aadToken({ appid: undefined, azp: clientId });
    await expect(
      client.getTokenForTeamsUser({ teamsUserAadToken: viaAzp, clientId, userObjectId }),
    ).resolves.toHaveProperty('token');
  });

  it('refuses non-JWTs and expired tokens with 401, mismatched app or user with 400', async () => {
    const exchange = (
      teamsUserAadToken: string,
      overrides: { clientId?: string; userObjectId?: string } = {},
    ) => client.getTokenForTeamsUser({ teamsUserAadToken, clientId, userObjectId, ...overrides });
    await expect(exchange('opaque')).rejects.toMatchObject({ statusCode: 401 });
    await expect(exchange(aadToken({ exp: Math.floor(Date.now() / 1000) - 10 }))).rejects.toMatchObject({
      statusCode: 401,
    });
    await expect(exchange(aadToken(), { clientId: 'someone-else' })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(exchange(aadToken(), { userObjectId: 'someone-else' })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});
