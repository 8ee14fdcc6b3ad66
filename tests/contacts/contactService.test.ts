import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import { tablesOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';

/*
 * Contacts on real Azurite, through the service: what each side sees at every step, the limits, races
 * between the two sides, and erasure. Subjects are fresh per test, so tests share one table.
 */
let stack: TestStack;
let services: AppServices;

beforeAll(async () => {
  stack = await startTestStack();
  services = createAppServices(stack.config({ CONTACTS_MAX_PENDING: '3' }));
  await services.ready();
});
afterAll(() => stack?.close());

const fresh = (name: string) => `${name}-${randomUUID()}`;
const lists = (subjectId: string) => services.contacts.list(subjectId);

describe('contacts', () => {
  it('become mutual when one asks and the other accepts; only then each sees the other’s default identity', async () => {
    const [ann, ben] = [fresh('ann'), fresh('ben')];
    const benIdentity = await services.identities.defaultIdentity(ben);

    expect(await services.contacts.request(ann, ben, 'Ann')).toEqual({ subjectId: ben, state: 'outgoing' });
    expect(await lists(ann)).toEqual({ contacts: [], incoming: [], outgoing: [{ subjectId: ben }] });
    expect(await lists(ben)).toEqual({ contacts: [], incoming: [{ subjectId: ann }], outgoing: [] });

    const accepted = await services.contacts.accept(ben, ann, 'Ben B.');
    expect(accepted).toEqual({ subjectId: ann, communicationUserId: null, displayName: 'Ann' });
    expect((await lists(ann)).contacts).toEqual([
      { subjectId: ben, communicationUserId: benIdentity, displayName: 'Ben B.' },
    ]);
    // Ann has no identity yet: she shows as a contact without one, and none is made for her.
    const before = stack.emulator.identities().length;
    expect((await lists(ben)).contacts).toEqual([
      { subjectId: ann, communicationUserId: null, displayName: 'Ann' },
    ]);
    expect(stack.emulator.identities().length).toBe(before);
  });

  it('shows only the default identity, never a subject’s other identities', async () => {
    const [cat, dan] = [fresh('cat'), fresh('dan')];
    const main = await services.identities.defaultIdentity(dan);
    const extra = await services.identities.addIdentity(dan, 'tablet');
    await services.contacts.request(cat, dan);
    await services.contacts.accept(dan, cat);
    const [contact] = (await lists(cat)).contacts;
    expect(contact?.communicationUserId).toBe(main);
    expect(JSON.stringify(await lists(cat))).not.toContain(extra.communicationUserId);
  });

  it('asking someone who asked you makes it mutual, and asking again changes nothing', async () => {
    const [eve, fay] = [fresh('eve'), fresh('fay')];
    await services.contacts.request(eve, fay);
    expect(await services.contacts.request(fay, eve)).toEqual({ subjectId: eve, state: 'mutual' });
    expect(await services.contacts.request(eve, fay)).toEqual({ subjectId: fay, state: 'mutual' });
    expect((await lists(eve)).contacts.map((contact) => contact.subjectId)).toEqual([fay]);
    expect((await lists(fay)).contacts.map((contact) => contact.subjectId)).toEqual([eve]);
  });

  it('answers a request for a subject nobody knows exactly as for a known one, and reveals nothing', async () => {
    const asker = fresh('gil');
    const known = fresh('known');
    await services.identities.defaultIdentity(known);
    const unknown = fresh('nobody');
    const toKnown = await services.contacts.request(asker, known);
    const toUnknown = await services.contacts.request(asker, unknown);
    expect(toUnknown).toEqual({ ...toKnown, subjectId: unknown });
    expect((await lists(asker)).outgoing).toEqual(
      expect.arrayContaining([{ subjectId: known }, { subjectId: unknown }]),
    );
  });

  it('a declined request stays pending for the asker, who is not told; the decliner no longer sees it', async () => {
    const [hal, ida] = [fresh('hal'), fresh('ida')];
    await services.contacts.request(hal, ida);
    await services.contacts.remove(ida, hal);
    expect(await lists(hal)).toEqual({ contacts: [], incoming: [], outgoing: [{ subjectId: ida }] });
    expect(await lists(ida)).toEqual({ contacts: [], incoming: [], outgoing: [] });
    expect((await services.contacts.listForSupport(ida)).declined).toEqual([{ subjectId: hal }]);
    // Nothing to accept once declined.
    await expect(services.contacts.accept(ida, hal)).rejects.toMatchObject({
      status: 404,
      code: 'ContactRequestNotFound',
    });
  });

  it('removing a mutual contact ends it for both, and a new request starts afresh', async () => {
    const [jon, kim] = [fresh('jon'), fresh('kim')];
    await services.contacts.request(jon, kim);
    await services.contacts.accept(kim, jon);
    await services.contacts.remove(kim, jon);
    expect(await lists(jon)).toEqual({ contacts: [], incoming: [], outgoing: [] });
    expect(await lists(kim)).toEqual({ contacts: [], incoming: [], outgoing: [] });
    await services.contacts.remove(kim, jon); // idempotent
    expect(await services.contacts.request(jon, kim)).toMatchObject({ state: 'outgoing' });
  });

  it('holds the pending limit, and a withdrawn or accepted request gives its place back', async () => {
    const asker = fresh('lea');
    const others = Array.from({ length: 4 }, (_, index) => fresh(`other${index}`));
    for (const other of others.slice(0, 3)) await services.contacts.request(asker, other);
    await expect(services.contacts.request(asker, others[3]!)).rejects.toMatchObject({
      status: 409,
      code: 'ContactRequestLimit',
    });
    await services.contacts.remove(asker, others[0]!);
    await expect(services.contacts.request(asker, others[3]!)).resolves.toMatchObject({ state: 'outgoing' });
    await services.contacts.accept(others[1]!, asker);
    await expect(services.contacts.request(asker, fresh('later'))).resolves.toMatchObject({
      state: 'outgoing',
    });
    await expect(services.contacts.request(asker, fresh('one-too-many'))).rejects.toMatchObject({
      code: 'ContactRequestLimit',
    });
  });

  it('holds the pending limit exactly under concurrent requests', async () => {
    const asker = fresh('max');
    const others = Array.from({ length: 12 }, (_, index) => fresh(`crowd${index}`));
    const outcomes = await Promise.allSettled(others.map((other) => services.contacts.request(asker, other)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(
      outcomes
        .filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
        .map((outcome) => (outcome.reason as { code?: string }).code),
    ).toEqual(Array(9).fill('ContactRequestLimit'));
    expect((await lists(asker)).outgoing).toHaveLength(3);
  });

  it('both sides asking at the same moment, many times over: mutual, one pair, both lists agree', async () => {
    for (let round = 0; round < 10; round++) {
      const [ned, ola] = [fresh('ned'), fresh('ola')];
      await Promise.all([services.contacts.request(ned, ola), services.contacts.request(ola, ned)]);
      expect((await lists(ned)).contacts.map((contact) => contact.subjectId)).toEqual([ola]);
      expect((await lists(ola)).contacts.map((contact) => contact.subjectId)).toEqual([ned]);
      expect((await lists(ned)).incoming).toEqual([]);
      expect((await lists(ned)).outgoing).toEqual([]);
    }
  });

  it('refuses a subject as its own contact', async () => {
    const pat = fresh('pat');
    await expect(services.contacts.request(pat, pat)).rejects.toMatchObject({
      status: 400,
      code: 'ContactIsSelf',
    });
  });

  it('erasure takes the subject off every list, theirs and everyone else’s, and leaves no row naming them', async () => {
    const [quinn, rae, sam] = [fresh('quinn'), fresh('rae'), fresh('sam')];
    await services.contacts.request(quinn, rae);
    await services.contacts.accept(rae, quinn);
    await services.contacts.request(sam, quinn);
    await services.contacts.request(quinn, fresh('someone'));

    await services.erasure.eraseSubject(quinn);

    expect(await lists(rae)).toEqual({ contacts: [], incoming: [], outgoing: [] });
    expect(await lists(sam)).toEqual({ contacts: [], incoming: [], outgoing: [] });
    expect(await lists(quinn)).toEqual({ contacts: [], incoming: [], outgoing: [] });
    const naming: string[] = [];
    for await (const row of tablesOf(services.config).Contacts.listEntities<Record<string, unknown>>()) {
      if (Object.values(row).includes(quinn)) naming.push(`${row.partitionKey}/${row.rowKey}`);
    }
    expect(naming).toEqual([]);
  });

  it('records requests, acceptances, declines and removals in the audit trail of both subjects', async () => {
    const [tia, uma] = [fresh('tia'), fresh('uma')];
    await services.contacts.request(tia, uma);
    await services.contacts.accept(uma, tia);
    await services.contacts.remove(tia, uma);
    const tiaTrail = await services.audit.list({ subjectId: tia, limit: 10 });
    expect(tiaTrail.entries.map((entry) => entry.action)).toEqual([
      'contact.removed',
      'contact.accepted',
      'contact.requested',
    ]);
    const umaTrail = await services.audit.list({ subjectId: uma, limit: 10 });
    expect(umaTrail.entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['contact.accepted']),
    );
  });
});
