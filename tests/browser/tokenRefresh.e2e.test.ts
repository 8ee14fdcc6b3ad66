import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';
import { chromiumAbsent, launchChromium } from './chromium';
import { closeAll, openWebApp, screenshot, signIn, tokenIdentity } from './webAppPage';

/*
 * The page's ACS credential (createTokenCredential, refreshProactively) asks the service for a new token
 * before the old one expires. Time runs on Playwright's clock in the page, so an hour passes at once.
 */
let service: LocalService;
let browser: Browser;

beforeAll(async () => {
  if (chromiumAbsent) return;
  [service, browser] = await Promise.all([
    // Only the page's clock moves: to the service the first token is a minute old and would still be
    // served from its cache. With every cached token "too short to reuse", the refresh reaches ACS, as it
    // would an hour later.
    startLocalService({ TOKEN_CACHE_MIN_LIFETIME_MINUTES: '1440' }),
    launchChromium(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

type Issued = { expiresOn: string; tail: string };

describe.skipIf(chromiumAbsent)('the token refresher in Chromium', () => {
  it('gets a new token from the service when the old one is 10 minutes from expiry', async () => {
    const rita = await openWebApp(browser, service, { beforeLoad: (page) => page.clock.install() });
    await signIn(rita, 'rita', 'Rita Alvarez');
    const history = rita.page.locator('#token-history li');
    const issued = () =>
      history.evaluateAll((items) =>
        items.map((item) => ({
          expiresOn: item.getAttribute('data-expires-on') ?? '',
          tail: item.getAttribute('data-token-tail') ?? '',
        })),
      ) as Promise<Issued[]>;
    const [first] = await issued();
    expect(first).toBeDefined();
    expect(await issued()).toHaveLength(1);

    // Just before the refresh is due nothing happens; just after, the credential asks again.
    const pageNow = await rita.page.evaluate(() => Date.now());
    const dueInMs = Date.parse(first!.expiresOn) - 10 * 60_000 - pageNow;
    expect(dueInMs).toBeGreaterThan(45 * 60_000);
    await rita.page.clock.fastForward(dueInMs - 60_000);
    expect(await issued()).toHaveLength(1);
    const requested = rita.page.waitForResponse((response) => response.url().endsWith('/api/token'));
    await rita.page.clock.fastForward(2 * 60_000);
    expect((await requested).status()).toBe(200);
    await expect.poll(issued).toHaveLength(2);

    const [, second] = await issued();
    expect(second!.tail).not.toBe(first!.tail);
    // ACS dates a token by its own clock, in whole seconds: the real seconds between the two may be none.
    expect(Date.parse(second!.expiresOn)).toBeGreaterThanOrEqual(Date.parse(first!.expiresOn));
    expect(await rita.page.locator('#token-expires time').getAttribute('datetime')).toBe(second!.expiresOn);
    await screenshot(rita, 'token-refreshed');

    // The service issued both (through ACS, each audited), for the identity the page shows.
    const identity = await tokenIdentity(rita);
    const admin = await service.signIn('support-admin', { roles: ['admin'] });
    const audit = await service.request<{ entries: Array<{ action: string; expiresOn?: string }> }>(
      'GET',
      `/api/manage/audit?communicationUserId=${encodeURIComponent(identity)}`,
      { token: admin },
    );
    expect(audit.status).toBe(200);
    const expiries = audit.body.entries
      .filter((entry) => entry.action === 'token.issued')
      .map((entry) => entry.expiresOn);
    expect(expiries.sort()).toEqual([first!.expiresOn, second!.expiresOn].sort());
    await closeAll(rita);
  });
});
