import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';
import { chromiumAbsent, launchChromium } from './chromium';
import { closeAll, openWebApp, screenshot, tokenIdentity } from './webAppPage';

/*
 * The web app's Entra ID sign-in (MSAL, redirect flow) as a deployment with WEB_APP_CLIENT_ID runs it. Entra is
 * played at the wire: its authorize and token endpoints answer as Entra does, and the access token they hand
 * out is one the service trusts here (the local dev issuer's, for the user's object id).
 */
const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '6b1d3c2a-9f4e-4c1b-8a7d-2e5f0c9b1a34';
const apiScope = 'api://acs-trusted-service/calls';
const user = { oid: '0d3f5c1e-7a2b-4c8d-9e6f-1a2b3c4d5e6f', name: 'Ava Moreno', upn: 'ava@contoso.com' };

let service: LocalService;
/** A deployment whose issuer is not the local one, with no WEB_APP_CLIENT_ID: the page has no way to sign in. */
let unconfigured: LocalService;
let browser: Browser;

beforeAll(async () => {
  if (chromiumAbsent) return;
  [service, unconfigured, browser] = await Promise.all([
    startLocalService({
      WEB_APP_CLIENT_ID: clientId,
      WEB_APP_AUTHORITY: `https://login.microsoftonline.com/${tenant}`,
      WEB_APP_SCOPES: apiScope,
    }),
    startLocalService({
      AUTH_ISSUER: `https://login.microsoftonline.com/${tenant}/v2.0`,
      AUTH_AUDIENCE: 'api://acs-trusted-service',
    }),
    launchChromium(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([service?.stop(), unconfigured?.stop()]);
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Entra's side of the redirect flow: what it would answer this client. */
function entra(accessToken: () => Promise<string>, seen: URL[]) {
  let nonce = '';
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
  return async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    seen.push(url);
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    if (url.pathname.endsWith('/oauth2/v2.0/authorize')) {
      nonce = url.searchParams.get('nonce') ?? '';
      const back = `${url.searchParams.get('redirect_uri')}#code=authorization-code&state=${url.searchParams.get('state')}`;
      return route.fulfill({ status: 302, headers: { location: back } });
    }
    if (url.pathname.endsWith('/oauth2/v2.0/token')) {
      const now = Math.floor(Date.now() / 1000);
      const idToken = [
        base64url({ alg: 'RS256', typ: 'JWT' }),
        base64url({
          aud: clientId,
          iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
          iat: now,
          nbf: now,
          exp: now + 3600,
          name: user.name,
          nonce,
          oid: user.oid,
          preferred_username: user.upn,
          sub: 'pairwise-subject',
          tid: tenant,
          ver: '2.0',
        }),
        'signature',
      ].join('.');
      return route.fulfill({
        status: 200,
        headers: cors,
        contentType: 'application/json',
        body: JSON.stringify({
          token_type: 'Bearer',
          scope: `${apiScope} openid profile offline_access`,
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: await accessToken(),
          refresh_token: 'refresh-token',
          id_token: idToken,
          client_info: base64url({ uid: user.oid, utid: tenant }),
        }),
      });
    }
    return route.fulfill({ status: 404, headers: cors });
  };
}

describe.skipIf(chromiumAbsent)('Entra ID sign-in in Chromium', () => {
  it('goes to Entra with this app and its API scope, comes back signed in, and calls the service', async () => {
    const seen: URL[] = [];
    const ava = await openWebApp(browser, service, {
      beforeLoad: (page) =>
        page.context().route(
          'https://login.microsoftonline.com/**',
          entra(() => service.signIn(user.oid), seen),
        ),
    });
    const signInRegion = ava.region('Sign in');
    await signInRegion.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await ava.region('Your ACS token').locator('#token-history li').first().waitFor();

    const authorize = seen.find((url) => url.pathname === `/${tenant}/oauth2/v2.0/authorize`);
    expect(authorize?.searchParams.get('client_id')).toBe(clientId);
    expect(authorize?.searchParams.get('redirect_uri')).toBe(`${service.url}/api/app/`);
    expect(authorize?.searchParams.get('scope')?.split(' ')).toContain(apiScope);
    expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(seen.some((url) => url.pathname === `/${tenant}/oauth2/v2.0/token`)).toBe(true);

    // Signed in as the Entra user, known to the service by their object id; the service issued the ACS token.
    expect(await ava.page.locator('#who-name').textContent()).toBe(`${user.name} (${user.oid})`);
    const identities = await service.request<{ identities: Array<{ communicationUserId: string }> }>(
      'GET',
      '/api/me/identities',
      { token: await service.signIn(user.oid) },
    );
    expect(identities.body.identities.map((identity) => identity.communicationUserId)).toEqual([
      await tokenIdentity(ava),
    ]);
    await screenshot(ava, 'entra-signed-in');

    // Signing out forgets the account in this tab: the page offers Entra's sign-in again.
    await ava.page.getByRole('button', { name: 'Sign out' }).click();
    await signInRegion.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor();
    await ava.page.reload();
    await signInRegion.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor();
    expect(await ava.page.locator('#workspace').isHidden()).toBe(true);
    await closeAll(ava);
  });

  it('says, where sign-in is not set up, that it is not and which settings set it up', async () => {
    const visitor = await openWebApp(browser, unconfigured);
    const signInRegion = visitor.region('Sign in');
    await signInRegion.locator('#no-sign-in').waitFor();
    const text = await signInRegion.textContent();
    expect(text).toContain('Sign-in is not set up');
    for (const setting of ['WEB_APP_CLIENT_ID', 'WEB_APP_AUTHORITY', 'WEB_APP_SCOPES'])
      expect(text).toContain(setting);
    expect(await signInRegion.getByRole('button').count()).toBe(0);
    await closeAll(visitor);
  });
});
