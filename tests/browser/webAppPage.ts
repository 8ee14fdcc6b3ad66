import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { repoRoot, type LocalService } from '../support/localService';

/** Screenshots of the main screens, for people to look at (gitignored). */
export const screenshotDir = path.join(repoRoot, 'test-results', 'web-app');

export interface WebAppUser {
  context: BrowserContext;
  page: Page;
  /** The page's sections, by their headings. */
  region(name: string): Locator;
  /** What went wrong in the page unasked: uncaught errors, and console errors (a CSP refusal is one). */
  errors: string[];
}

/** A person in a browser context of their own (as on their own machine), with the web app open. */
export async function openWebApp(
  browser: Browser,
  service: LocalService,
  options: { width?: number; beforeLoad?: (page: Page) => Promise<unknown> } = {},
): Promise<WebAppUser> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A 4xx the service answers is logged by Chromium as a failed load; the tests look at those themselves.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  await options.beforeLoad?.(page);
  await page.goto(`${service.url}/`);
  expect(new URL(page.url()).pathname).toBe('/api/app/');
  return { context, page, errors, region: (name) => page.getByRole('region', { name, exact: true }) };
}

/** Closes each person's browser context, once it is clear their page met no error it did not show. */
export async function closeAll(...users: WebAppUser[]): Promise<void> {
  for (const user of users) expect(user.errors).toEqual([]);
  await Promise.all(users.map((user) => user.context.close()));
}

/** Signs in through the dev issuer's form, and waits for the first ACS token the page is issued. */
export async function signIn(user: WebAppUser, subjectId: string, name?: string): Promise<void> {
  const form = user.region('Sign in');
  await form.getByLabel('Subject id').fill(subjectId);
  if (name) await form.getByLabel('Your name').fill(name);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await user.region('Your ACS token').locator('#token-history li').first().waitFor();
}

/** The ACS identity the page was issued a token for. */
export async function tokenIdentity(user: WebAppUser): Promise<string> {
  return (await user.page.locator('#token-identity').textContent()) ?? '';
}

export async function screenshot(user: WebAppUser, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await user.page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** `asker` asks `answerer` to be a contact, and `answerer` accepts: the friend list of the 1:1 call flow. */
export async function becomeContacts(
  asker: WebAppUser,
  answerer: WebAppUser,
  answererId: string,
  askerId: string,
): Promise<void> {
  const contacts = asker.region('Contacts');
  await contacts.getByLabel('Ask someone to be a contact').fill(answererId);
  await contacts.getByRole('button', { name: 'Send request' }).click();
  await expect.poll(() => contacts.locator('#contact-status').textContent()).toContain(`Asked ${answererId}`);

  const theirs = answerer.region('Contacts');
  await theirs.getByRole('button', { name: 'Refresh' }).click();
  await theirs.getByRole('button', { name: `Accept ${askerId}` }).click();
  await theirs.locator(`#contact-list li[data-subject-id="${askerId}"]`).waitFor();
  await contacts.getByRole('button', { name: 'Refresh' }).click();
  await contacts.locator(`#contact-list li[data-subject-id="${answererId}"]`).waitFor();
}
