import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';
import { chromiumAbsent, launchChromium } from './chromium';
import {
  becomeContacts,
  closeAll,
  openWebApp,
  screenshot,
  signIn,
  tokenIdentity,
  type WebAppUser,
} from './webAppPage';

/*
 * The web app in Chromium against the local stack as `npm start` runs it (the service, Azurite, the ACS
 * emulator and the dev issuer): people in browser contexts of their own click through every flow, and what
 * the page shows is checked against what the service answered.
 */
let service: LocalService;
let browser: Browser;

beforeAll(async () => {
  if (chromiumAbsent) return;
  [service, browser] = await Promise.all([startLocalService(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

type JoinAnswer = {
  call: { id: string; title: string; groupCallId?: string; roomId?: string; teamsMeetingLink?: string };
  communicationUserId: string;
  scopes: string[];
  expiresOn: string;
};

/** Clicks Join on a call, and returns what the service answered the page. */
async function join(user: WebAppUser, title: string): Promise<JoinAnswer> {
  const calls = user.region('Calls');
  await calls.getByRole('button', { name: 'Refresh' }).click();
  const answered = user.page.waitForResponse((response) => /\/api\/calls\/[^/]+\/join$/.test(response.url()));
  await calls.getByRole('button', { name: `Join ${title}` }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  const body = (await response.json()) as JoinAnswer;
  await expect.poll(() => user.page.locator('#join-title').textContent()).toBe(`Joining: ${title}`);
  return body;
}

/** The join panel's facts, by name. */
async function joinFacts(page: Page): Promise<Record<string, string>> {
  const names = await page.locator('#join-details dt').allTextContents();
  const values = await page.locator('#join-details dd').allTextContents();
  return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
}

async function createCall(
  user: WebAppUser,
  call: { kind: 'Group call' | 'Room' | 'Teams meeting'; title: string; invite: string[]; link?: string },
): Promise<void> {
  const calls = user.region('Calls');
  await calls
    .getByLabel('Kind')
    .selectOption({ label: call.kind === 'Room' ? 'Room (only invitees can enter)' : call.kind });
  await calls.getByLabel('Title').fill(call.title);
  if (call.link) await calls.getByLabel('Teams meeting link').fill(call.link);
  for (const name of call.invite) await calls.getByRole('checkbox', { name }).check();
  await calls.getByRole('button', { name: 'Create call' }).click();
  await calls.getByRole('button', { name: `Join ${call.title}` }).waitFor();
}

describe.skipIf(chromiumAbsent)('the web app in Chromium', () => {
  it('two people become contacts; one creates a group call inviting the other, who sees it and joins', async () => {
    const olivia = await openWebApp(browser, service);
    const ian = await openWebApp(browser, service);
    await Promise.all([signIn(olivia, 'olivia', 'Olivia Park'), signIn(ian, 'ian', 'Ian Chen')]);
    await screenshot(olivia, 'signed-in');

    await becomeContacts(olivia, ian, 'ian', 'olivia');
    // A mutual contact shows the identity a 1:1 call rings: Ian's default one, the one his page holds a token for.
    const ianIdentity = await tokenIdentity(ian);
    const ianContact = olivia.region('Contacts').locator('#contact-list li[data-subject-id="ian"]');
    await expect.poll(() => ianContact.textContent()).toContain(ianIdentity);
    await expect.poll(() => ianContact.textContent()).toContain('Ian Chen');

    await createCall(olivia, { kind: 'Group call', title: 'Weekly design review', invite: ['Ian Chen'] });
    const listed = ian.region('Calls');
    const joined = await join(ian, 'Weekly design review');
    await expect
      .poll(() => listed.locator(`#call-list li[data-call-id="${joined.call.id}"]`).textContent())
      .toContain('Organized by olivia');

    // The page shows what the service answered: the locator, and the identity and token to enter with.
    expect(joined.call.groupCallId).toMatch(/^[0-9a-f-]{36}$/);
    expect(joined.communicationUserId).toBe(ianIdentity);
    const facts = await joinFacts(ian.page);
    expect(facts).toMatchObject({
      Call: 'Weekly design review',
      'Group call ID': joined.call.groupCallId,
      Organizer: 'olivia',
      'Your identity': joined.communicationUserId,
      'Token scopes': joined.scopes.join(', '),
    });
    expect(await ian.page.locator('#join-details dd time').first().getAttribute('datetime')).toBe(
      joined.expiresOn,
    );
    // The emulator carries no media: the page says so, and what the SDK would be asked to do.
    const media = await ian.page.locator('#join-media').textContent();
    expect(media).toContain('Media needs a real ACS resource');
    expect(media).toContain(`callAgent.join({ groupId: '${joined.call.groupCallId}' })`);
    await screenshot(ian, 'joined-group-call');

    // A 1:1 call to a contact rings their identity: no call on the service, the contact list says whom.
    await olivia.region('Contacts').getByRole('button', { name: 'Call Ian Chen' }).click();
    await expect
      .poll(() => joinFacts(olivia.page))
      .toMatchObject({
        Call: '1:1 with Ian Chen',
        Callee: ianIdentity,
        'Your identity': await tokenIdentity(olivia),
        'Token scopes': 'voip',
      });
    expect(await olivia.page.locator('#join-media').textContent()).toContain(
      `callAgent.startCall([{ communicationUserId: '${ianIdentity}' }])`,
    );
    await screenshot(olivia, 'one-to-one');

    await closeAll(olivia, ian);
  });

  it('joins a Room and a Teams meeting the same way, with what the service answered for each', async () => {
    const dana = await openWebApp(browser, service);
    const eli = await openWebApp(browser, service);
    await Promise.all([signIn(dana, 'dana', 'Dana Whitfield'), signIn(eli, 'eli', 'Eli Novak')]);
    await becomeContacts(dana, eli, 'eli', 'dana');
    // Someone Dana does not know asks too; she declines, and to them the request still just waits.
    const mallory = await service.signIn('mallory');
    await service.request('POST', '/api/me/contacts', { token: mallory, body: { subjectId: 'dana' } });
    const danaContacts = dana.region('Contacts');
    await danaContacts.getByRole('button', { name: 'Refresh' }).click();
    await danaContacts.getByRole('button', { name: 'Decline mallory' }).click();
    await expect.poll(() => danaContacts.locator('#incoming-list').textContent()).toBe('No requests.');
    const malloryLists = await service.request<{
      contacts: unknown[];
      outgoing: Array<{ subjectId: string }>;
    }>('GET', '/api/me/contacts', { token: mallory });
    expect(malloryLists.body).toMatchObject({ contacts: [], outgoing: [{ subjectId: 'dana' }] });

    const link = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ2Y2E1%40thread.v2/0';
    await createCall(dana, { kind: 'Room', title: 'Patient consultation', invite: ['Eli Novak'] });
    // A link that is not a Teams join link: the service's problem+json is shown readably, and no call is made.
    const calls = dana.region('Calls');
    await calls.getByLabel('Kind').selectOption({ label: 'Teams meeting' });
    await calls.getByLabel('Title').fill('Quarterly review');
    await calls.getByLabel('Teams meeting link').fill('https://example.com/meet/quarterly-review');
    await calls.getByRole('button', { name: 'Create call' }).click();
    const problem = dana.page.getByRole('alert');
    await problem.waitFor();
    const shown = await problem.textContent();
    expect(shown).toMatch(/\(400, ValidationFailed\)/);
    expect(shown).toContain('/teamsMeetingLink must be an https Teams join link');
    await screenshot(dana, 'problem');
    await createCall(dana, { kind: 'Teams meeting', title: 'Quarterly review', invite: ['Eli Novak'], link });
    expect(await problem.isHidden()).toBe(true);

    const room = await join(eli, 'Patient consultation');
    expect(room.call.roomId).toMatch(/^\d+$/);
    expect(await joinFacts(eli.page)).toMatchObject({
      'Room ID': room.call.roomId,
      'Your identity': room.communicationUserId,
      'Token scopes': room.scopes.join(', '),
    });
    expect(await eli.page.locator('#join-media').textContent()).toContain(
      `callAgent.join({ roomId: '${room.call.roomId}' })`,
    );
    await screenshot(eli, 'joined-room');

    const teams = await join(eli, 'Quarterly review');
    expect(teams.call.teamsMeetingLink).toBe(link);
    expect(await joinFacts(eli.page)).toMatchObject({
      'Teams meeting link': link,
      'Your identity': teams.communicationUserId,
      'Token scopes': teams.scopes.join(', '),
    });
    // The organizer sees both in their list, as the service keeps them.
    const listed = await dana.page
      .locator('#call-list li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
    expect(listed.sort()).toEqual(['room', 'teams']);
    await closeAll(dana, eli);
  });

  it('fits a 360 px wide screen: nothing wider than the viewport', async () => {
    const phone = await openWebApp(browser, service, { width: 360 });
    await signIn(phone, 'pat', 'Pat Kim');
    const widest = await phone.page.evaluate<number>('document.documentElement.scrollWidth');
    expect(widest).toBeLessThanOrEqual(360);
    await screenshot(phone, 'narrow');
    await closeAll(phone);
  });

  it('sends the user back to sign-in, saying why, when the service answers 401', async () => {
    const sam = await openWebApp(browser, service);
    await signIn(sam, 'sam');
    // The sign-in the tab kept stops being one the service accepts (as when it expires overnight): its
    // bearer's signature breaks, and the tab is opened again.
    const key = JSON.stringify('acs-trusted-service:dev-session');
    const stored = JSON.parse(await sam.page.evaluate<string>(`sessionStorage.getItem(${key})`)) as {
      accessToken: string;
    };
    const tail = stored.accessToken.slice(-4);
    stored.accessToken = stored.accessToken.slice(0, -4) + (tail === 'AAAA' ? 'BBBB' : 'AAAA');
    await sam.page.evaluate(`sessionStorage.setItem(${key}, ${JSON.stringify(JSON.stringify(stored))})`);
    const refused = sam.page.waitForResponse((response) => response.status() === 401);
    await sam.page.reload();
    expect((await refused).headers()['content-type']).toMatch(/^application\/problem\+json/);
    await sam.region('Sign in').waitFor();
    expect(await sam.page.locator('#sign-in-message').textContent()).toContain('401');
    expect(await sam.page.locator('#workspace').isHidden()).toBe(true);
    // The refused sign-in is forgotten: opening the tab again does not try it once more.
    expect(await sam.page.evaluate<number>('sessionStorage.length')).toBe(0);
    await screenshot(sam, 'signed-out-after-401');

    // Signing in again works, with a token the service accepts.
    await signIn(sam, 'sam');
    expect(await tokenIdentity(sam)).toMatch(/^8:acs:/);
    await closeAll(sam);
  });
});
