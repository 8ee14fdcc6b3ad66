import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

/*
 * createTokenCredential's onToken: told of every token the service issues to the credential, so a page can
 * show each refresh (the web app does). The client package is ESM: loaded as an app loads it, by its name.
 */
type ClientPackage = typeof import('acs-trusted-client', { with: { 'resolution-mode': 'import' } });
type IssuedToken = import('acs-trusted-client', { with: { 'resolution-mode': 'import' } }).IssuedToken;

let service: LocalService;
let client: ClientPackage;

beforeAll(async () => {
  [service, client] = await Promise.all([startLocalService(), import('acs-trusted-client')]);
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

describe('createTokenCredential onToken', () => {
  it('hands over each token the service issues, with its identity, scopes and expiry; not the initial one', async () => {
    const bearer = await service.signIn('nora');
    const api = client.createAcsTrustedClient({ baseUrl: service.url, getBearerToken: () => bearer });
    const seen: IssuedToken[] = [];
    const credential = client.createTokenCredential(api, {
      scopes: ['voip'],
      expiresInMinutes: 60,
      onToken: (issued) => seen.push(issued),
    });
    const { token } = await credential.getToken();
    credential.dispose();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      token,
      scopes: ['voip'],
      communicationUserId: expect.stringMatching(/^8:acs:/),
    });
    const identities = await service.request<{
      identities: Array<{ communicationUserId: string; isDefault: boolean }>;
    }>('GET', '/api/me/identities', { token: bearer });
    expect(identities.body.identities.find((identity) => identity.isDefault)?.communicationUserId).toBe(
      seen[0]!.communicationUserId,
    );

    // A token the app already holds costs no request, and is not reported as issued.
    const reused = client.createTokenCredential(api, {
      initialToken: token,
      onToken: (issued) => seen.push(issued),
    });
    expect((await reused.getToken()).token).toBe(token);
    reused.dispose();
    expect(seen).toHaveLength(1);
  });
});
