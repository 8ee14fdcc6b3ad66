import { identityStoreOf, tablesOf } from '../support/storageOf';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../shared/composition/createAppServices';
import { createIdentityService } from '../../shared/identity/identityService';
import type { AppServices } from '../../shared/composition/appServices';
import { tableKey } from '../../shared/storage/tableKey';
import { startTestStack, type TestStack } from '../support/testStack';

let stack: TestStack;
let services: AppServices;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());
beforeEach(async () => {
  services = createAppServices(stack.config({ TOKEN_RATE_LIMIT_PER_MINUTE: '1000' }));
  await services.ready();
});

const liveIdentities = () => stack.emulator.identities().filter((identity) => !identity.deleted);
const caller = (subjectId: string, isAdmin = false) => ({
  subjectId,
  roles: isAdmin ? ['admin'] : [],
  isAdmin,
});

async function validate(token: string) {
  const response = await fetch(new URL(':validateToken', stack.emulator.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return (await response.json()) as {
    valid: boolean;
    reason?: string;
    scopes?: string[];
    communicationUserId?: string;
  };
}

describe('default identity, get-or-create', () => {
  it('creates exactly one ACS identity for 50 simultaneous first requests', async () => {
    const before = stack.emulator.identities().length;
    const ids = await Promise.all(
      Array.from({ length: 50 }, () => services.identities.defaultIdentity('racer')),
    );
    expect(new Set(ids).size).toBe(1);
    expect(stack.emulator.identities().length - before).toBe(1);
    expect(await services.identities.listForSubject('racer')).toEqual([
      expect.objectContaining({ communicationUserId: ids[0], isDefault: true, label: 'default' }),
    ]);
  });

  it('finishes a creation that crashed after the identity id was recorded, with no new identity', async () => {
    // The state a process leaves when it dies right after step 2 of the protocol.
    const acs = new CommunicationIdentityClient(stack.emulator.connectionString(), {
      allowInsecureConnection: true,
    });
    const { communicationUserId } = await acs.createUser();
    await tablesOf(services.config).Subjects.createEntity({
      partitionKey: tableKey('crashed-after-create'),
      rowKey: 'default',
      subjectId: 'crashed-after-create',
      state: 'created',
      claimId: 'dead-process',
      claimedAt: Date.now(),
      communicationUserId,
      createdAt: new Date().toISOString(),
    });
    const before = stack.emulator.identities().length;
    expect(await services.identities.defaultIdentity('crashed-after-create')).toBe(communicationUserId);
    expect(stack.emulator.identities().length).toBe(before);
    await services.identities.assertLinked('crashed-after-create', communicationUserId);
    expect((await services.identities.getIdentity(communicationUserId)).subjects).toEqual([
      'crashed-after-create',
    ]);
  });

  it('takes over a pending claim whose lease expired (the process died before recording the id)', async () => {
    await tablesOf(services.config).Subjects.createEntity({
      partitionKey: tableKey('crashed-pending'),
      rowKey: 'default',
      subjectId: 'crashed-pending',
      state: 'pending',
      claimId: 'dead-process',
      claimedAt: Date.now() - 10 * 60_000,
    });
    const id = await services.identities.defaultIdentity('crashed-pending');
    expect(await services.identities.defaultIdentity('crashed-pending')).toBe(id);
    expect(await services.identities.listForSubject('crashed-pending')).toHaveLength(1);
  });

  it('waits for a live claim rather than creating a second identity, then answers 503 if it never finishes', async () => {
    const impatient = createAppServices(
      stack.config({ TABLE_NAME_PREFIX: services.config.tables.namePrefix }),
    );
    await tablesOf(services.config).Subjects.createEntity({
      partitionKey: tableKey('slow-claim'),
      rowKey: 'default',
      subjectId: 'slow-claim',
      state: 'pending',
      claimId: 'live-process',
      claimedAt: Date.now(),
    });
    const before = stack.emulator.identities().length;
    const service = createIdentityService({
      store: identityStoreOf(impatient.config),
      // While another instance holds a live claim, ACS must not be asked for a second identity.
      acs: {
        createIdentity: async () => {
          throw new Error('a second identity was requested');
        },
      } as unknown as Parameters<typeof createIdentityService>[0]['acs'],
      audit: impatient.audit,
      capPerSubject: 10,
      creationWaitMs: 300,
    });
    await expect(service.defaultIdentity('slow-claim')).rejects.toMatchObject({
      status: 503,
      code: 'IdentityCreationPending',
    });
    expect(stack.emulator.identities().length).toBe(before);
  });

  it('gives the claim back when ACS fails, so the retry succeeds at once', async () => {
    // One call makes 1 + ACS_MAX_RETRIES (3) attempts: four faults exhaust it.
    stack.emulator.injectFaults({ count: 4, status: 500, operation: 'createIdentity' });
    await expect(services.identities.defaultIdentity('acs-down')).rejects.toMatchObject({ status: 503 });
    expect(await identityStoreOf(services.config).readDefault('acs-down')).toBeUndefined();
    const id = await services.identities.defaultIdentity('acs-down');
    expect(id).toMatch(/^8:acs:/);
  });

  it('works for subject ids that would break keys or queries', async () => {
    const hostile = [
      `o'brien`,
      'a"b',
      'x/y\\z',
      '#frag?q=1%20',
      'tab\there\u0001',
      'Jürgen-Ñandú-東京',
      "' or PartitionKey ne '",
    ];
    const ids = await Promise.all(hostile.map((subject) => services.identities.defaultIdentity(subject)));
    expect(new Set(ids).size).toBe(hostile.length);
    for (const [index, subject] of hostile.entries()) {
      const listed = await services.identities.listForSubject(subject);
      expect(listed.map((identity) => identity.communicationUserId)).toEqual([ids[index]]);
      expect((await services.identities.getIdentity(ids[index]!)).subjects).toEqual([subject]);
    }
  });
});

describe('own identities', () => {
  it('adds extra identities up to the cap, and removing the last link deletes the ACS identity', async () => {
    const capped = createAppServices(stack.config({ IDENTITY_CAP_PER_SUBJECT: '2' }));
    await capped.ready();
    const extra = await capped.identities.addIdentity('carol', 'phone');
    expect(extra).toMatchObject({ label: 'phone', isDefault: false });
    await expect(capped.identities.addIdentity('carol', 'tablet')).rejects.toMatchObject({ status: 409 });
    await capped.identities.removeIdentity('carol', extra.communicationUserId);
    expect(
      stack.emulator.identities().find((identity) => identity.id === extra.communicationUserId)?.deleted,
    ).toBe(true);
    expect(await capped.identities.listForSubject('carol')).toHaveLength(1);
  });

  it('moves the default to the oldest remaining identity when the default is removed', async () => {
    const first = await services.identities.defaultIdentity('dave');
    const second = await services.identities.addIdentity('dave', 'second');
    await services.identities.removeIdentity('dave', first);
    expect(await services.identities.listForSubject('dave')).toEqual([
      expect.objectContaining({ communicationUserId: second.communicationUserId, isDefault: true }),
    ]);
    expect(await services.identities.defaultIdentity('dave')).toBe(second.communicationUserId);
  });

  it('will not remove an identity the subject is not linked to', async () => {
    const other = await services.identities.defaultIdentity('erin');
    await expect(services.identities.removeIdentity('frank', other)).rejects.toMatchObject({ status: 404 });
    expect(liveIdentities().some((identity) => identity.id === other)).toBe(true);
  });
});

describe('N:N links, admin and erasure', () => {
  it('shares a bot identity between subjects, and erasing one keeps it for the other', async () => {
    const bot = await services.identities.createServiceIdentity('admin-1', ['gina', 'hank'], 'support bot');
    expect(bot.subjects.sort()).toEqual(['gina', 'hank']);
    await services.identities.assertLinked('gina', bot.communicationUserId);
    const ginaOwn = await services.identities.defaultIdentity('gina');

    await services.identities.eraseSubject('gina');
    expect(await services.identities.listForSubject('gina')).toEqual([]);
    expect((await services.identities.getIdentity(bot.communicationUserId)).subjects).toEqual(['hank']);
    const emulated = stack.emulator.identities();
    expect(emulated.find((identity) => identity.id === ginaOwn)?.deleted).toBe(true);
    expect(emulated.find((identity) => identity.id === bot.communicationUserId)?.deleted).toBe(false);
    await expect(services.identities.assertLinked('gina', bot.communicationUserId)).rejects.toMatchObject({
      status: 403,
    });
  });

  it('links, unlinks and deletes; a deleted identity’s tokens stop validating', async () => {
    const bot = await services.identities.createServiceIdentity('admin-1', [], 'bot');
    await services.identities.link({
      actor: 'admin-1',
      communicationUserId: bot.communicationUserId,
      subjectId: 'ivan',
    });
    await services.identities.link({
      actor: 'admin-1',
      communicationUserId: bot.communicationUserId,
      subjectId: 'ivan',
    });
    expect((await services.identities.getIdentity(bot.communicationUserId)).subjects).toEqual(['ivan']);
    const issued = await services.tokens.issueForCaller(caller('ivan'), {
      communicationUserId: bot.communicationUserId,
    });
    expect((await validate(issued.token)).valid).toBe(true);

    await services.identities.unlink({
      actor: 'admin-1',
      communicationUserId: bot.communicationUserId,
      subjectId: 'ivan',
    });
    await expect(
      services.tokens.issueForCaller(caller('ivan'), { communicationUserId: bot.communicationUserId }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      services.identities.unlink({
        actor: 'admin-1',
        communicationUserId: bot.communicationUserId,
        subjectId: 'ivan',
      }),
    ).rejects.toMatchObject({ status: 404 });

    await services.identities.deleteIdentity('admin-1', bot.communicationUserId);
    expect(await validate(issued.token)).toMatchObject({ valid: false });
    await expect(services.identities.getIdentity(bot.communicationUserId)).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      services.identities.deleteIdentity('admin-1', bot.communicationUserId),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('finishes a delete that failed part-way when it is retried', async () => {
    const bot = await services.identities.createServiceIdentity('admin-1', ['judy', 'karl'], 'bot');
    stack.emulator.injectFaults({ count: 4, status: 503, operation: 'deleteIdentity' });
    await expect(
      services.identities.deleteIdentity('admin-1', bot.communicationUserId),
    ).rejects.toMatchObject({ status: 503 });
    // Links went first: nobody can be handed a token for it any more.
    await expect(services.identities.assertLinked('judy', bot.communicationUserId)).rejects.toMatchObject({
      status: 403,
    });
    await services.identities.deleteIdentity('admin-1', bot.communicationUserId);
    expect(
      stack.emulator.identities().find((identity) => identity.id === bot.communicationUserId)?.deleted,
    ).toBe(true);
    await expect(services.identities.getIdentity(bot.communicationUserId)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('records an audit trail, newest first and paged, with no token in it', async () => {
    const issued = await services.tokens.issueForCaller(caller('lena'), {
      scopes: ['chat', 'voip'],
      expiresInMinutes: 90,
    });
    await services.tokens.revokeForCaller(caller('lena'));
    const firstPage = await services.audit.list({ subjectId: 'lena', limit: 2 });
    expect(firstPage.entries.map((entry) => entry.action)).toEqual(['token.revoked', 'token.issued']);
    expect(firstPage.entries[1]).toMatchObject({
      scopes: ['chat', 'voip'],
      communicationUserId: issued.communicationUserId,
    });
    expect(firstPage.continuationToken).toBeDefined();
    const secondPage = await services.audit.list({
      subjectId: 'lena',
      limit: 2,
      continuationToken: firstPage.continuationToken!,
    });
    expect(secondPage.entries.map((entry) => entry.action)).toEqual(['identity.created']);
    const byIdentity = await services.audit.list({
      communicationUserId: issued.communicationUserId,
      limit: 10,
    });
    expect(byIdentity.entries).toHaveLength(3);
    const rows: string[] = [];
    for await (const row of tablesOf(services.config).Audit.listEntities()) rows.push(JSON.stringify(row));
    expect(rows.join('\n')).not.toContain(issued.token);
  });

  it('refuses forged continuation tokens, and one issued for another trail, with 400', async () => {
    await services.tokens.issueForCaller(caller('mona'), {});
    await services.tokens.revokeForCaller(caller('mona'));
    const genuine = (await services.audit.list({ subjectId: 'mona', limit: 1 })).continuationToken!;
    const base64url = (text: string) => Buffer.from(text).toString('base64url');
    const forged = [
      base64url(Buffer.from('null').toString('base64')),
      base64url(Buffer.from(JSON.stringify({ nextPartitionKey: { a: 1 } })).toString('base64')),
      base64url(JSON.stringify({ nextPartitionKey: { a: 1 } })),
      base64url(JSON.stringify({ after: "x' or true" })),
      base64url(JSON.stringify({ after: 7 })),
      'not-base64-%%%',
    ];
    for (const continuationToken of forged) {
      await expect(
        services.audit.list({ subjectId: 'mona', limit: 1, continuationToken }),
      ).rejects.toMatchObject({ status: 400, code: 'InvalidContinuationToken' });
    }
    await expect(
      services.audit.list({ subjectId: 'someone-else', limit: 1, continuationToken: genuine }),
    ).rejects.toMatchObject({ status: 400, code: 'InvalidContinuationToken' });
    expect(
      (await services.audit.list({ subjectId: 'mona', limit: 1, continuationToken: genuine })).entries,
    ).toHaveLength(1);
  });
});

describe('the identity cap, exactly', () => {
  it('holds under 30 simultaneous adds: cap-1 extras are created in ACS, the rest get 409', async () => {
    const capped = createAppServices(stack.config({ IDENTITY_CAP_PER_SUBJECT: '4' }));
    await capped.ready();
    await capped.identities.defaultIdentity('crowd');
    const before = stack.emulator.identities().length;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, () => capped.identities.addIdentity('crowd', 'extra')),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(
      outcomes
        .filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
        .map((outcome) => (outcome.reason as { code?: string }).code),
    ).toEqual(Array(27).fill('IdentityCapReached'));
    expect(stack.emulator.identities().length - before).toBe(3);
    expect(await capped.identities.listForSubject('crowd')).toHaveLength(4);
  });

  it('gives the place back when ACS fails, and takes over a reservation a crash left behind', async () => {
    const capped = createAppServices(stack.config({ IDENTITY_CAP_PER_SUBJECT: '2' }));
    await capped.ready();
    await capped.identities.defaultIdentity('fragile');
    stack.emulator.injectFaults({ count: 4, status: 503, operation: 'createIdentity' });
    await expect(capped.identities.addIdentity('fragile', 'extra')).rejects.toMatchObject({ status: 503 });
    const extra = await capped.identities.addIdentity('fragile', 'extra');
    await capped.identities.removeIdentity('fragile', extra.communicationUserId);

    // A process that died between reserving the only place and creating the identity.
    await identityStoreOf(capped.config).createSlot({
      subjectId: 'fragile',
      index: 1,
      state: 'reserved',
      reservedAt: Date.now() - 60_000,
    });
    expect(await capped.identities.addIdentity('fragile', 'after-crash')).toMatchObject({
      label: 'after-crash',
    });
    await expect(capped.identities.addIdentity('fragile', 'one-too-many')).rejects.toMatchObject({
      status: 409,
      code: 'IdentityCapReached',
    });
  });
});

describe('service identities belong to admins', () => {
  it('a user linked to one can only unlink it, by removing it or by erasing themselves', async () => {
    const bot = await services.identities.createServiceIdentity('admin-1', ['ursula', 'victor'], 'bot');
    await services.identities.removeIdentity('ursula', bot.communicationUserId);
    await services.identities.eraseSubject('victor');
    // Nobody is linked now, and still the identity lives, in ACS and for the admin.
    expect((await services.identities.getIdentity(bot.communicationUserId)).subjects).toEqual([]);
    expect(liveIdentities().some((identity) => identity.id === bot.communicationUserId)).toBe(true);
    const issued = await services.tokens.issueForIdentity(caller('admin-1', true), {
      communicationUserId: bot.communicationUserId,
      scopes: ['voip'],
    });
    expect((await validate(issued.token)).valid).toBe(true);
  });
  it('a user cannot revoke one’s tokens: 403 naming the admin route; the admin can', async () => {
    const bot = await services.identities.createServiceIdentity('admin-1', ['wanda'], 'bot');
    const admin = caller('admin-1', true);
    const botToken = await services.tokens.issueForIdentity(admin, {
      communicationUserId: bot.communicationUserId,
      scopes: ['voip'],
    });
    await expect(
      services.tokens.revokeForCaller(caller('wanda'), bot.communicationUserId),
    ).rejects.toMatchObject({ status: 403, code: 'ServiceIdentityRevoke' });
    expect((await validate(botToken.token)).valid).toBe(true);
    await services.tokens.revokeForIdentity(admin, bot.communicationUserId);
    expect(await validate(botToken.token)).toMatchObject({ valid: false, reason: 'revoked' });
  });

  it('is never made a user’s default when the user removes theirs, so a plain revoke cannot reach it', async () => {
    // Linked before the user's own default exists: the oldest identity left when that default goes.
    const bot = await services.identities.createServiceIdentity('admin-1', ['xena'], 'bot');
    const own = await services.identities.defaultIdentity('xena');
    const botToken = await services.tokens.issueForIdentity(caller('admin-1', true), {
      communicationUserId: bot.communicationUserId,
      scopes: ['voip'],
    });

    await services.identities.removeIdentity('xena', own);

    expect(await services.identities.listForSubject('xena')).toEqual([
      expect.objectContaining({ communicationUserId: bot.communicationUserId, isDefault: false }),
    ]);
    await services.tokens.revokeForCaller(caller('xena'));
    expect((await validate(botToken.token)).valid).toBe(true);
    const fresh = await services.tokens.issueForCaller(caller('xena'), {});
    expect(fresh.communicationUserId).not.toBe(bot.communicationUserId);
    expect(fresh.communicationUserId).not.toBe(own);
  });
});
