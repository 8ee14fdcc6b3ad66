import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTableCallRecorder, type TableCallRecorder } from '../../bench/trace/tableCallRecorder';
import type { Caller } from '../../shared/auth/caller';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import { tableNames } from '../../shared/storage/tableNames';
import { tableKey } from '../../shared/storage/tableKey';
import { validateAtEmulator } from '../calls/support/acsChecks';
import { movableClock } from '../support/movableClock';
import { identityStoreOf, tablesOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';

let stack: TestStack;
let recorder: TableCallRecorder;

beforeAll(async () => {
  stack = await startTestStack();
  recorder = await startTableCallRecorder(stack.tables.connectionString);
});
afterAll(async () => {
  await recorder.close();
  await stack.close();
});

let subjects = 0;
const newCaller = (): Caller => ({ subjectId: `row-user-${++subjects}`, roles: [], isAdmin: false });

async function servicesWith(settings: Record<string, string> = {}): Promise<AppServices> {
  const services = createAppServices(
    stack.config({
      TOKEN_CACHE_KEY: randomBytes(32).toString('base64'),
      TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
      TABLES_CONNECTION_STRING: recorder.connectionString,
      ...settings,
    }),
  );
  await services.ready();
  recorder.take();
  return services;
}

const acsCalls = () => {
  const counts = stack.emulator.requestCount;
  return { create: counts('createIdentity'), issue: counts('issueAccessToken') };
};

const validate = (token: string) => validateAtEmulator(stack.emulator.url, token);

describe('tokens of the default identity, cached in the default row', () => {
  it('a hit is one point read of the default row, and nothing else: no ACS, no budget, no audit', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const first = await services.tokens.issueForCaller(caller, {});
    recorder.take();
    const before = acsCalls();

    const again = await services.tokens.issueForCaller(caller, {});

    expect(again).toEqual(first);
    expect(recorder.take().map((call) => `${call.kind} ${call.table.replace(/^t[0-9a-f]+/, '')}`)).toEqual([
      'point read Subjects',
    ]);
    expect(acsCalls()).toEqual(before);
    expect(services.tokenMetrics.snapshot()).toMatchObject({ cacheHits: 1, acsIssued: 1 });
  });

  it('a new user’s first token: one ACS call for identity and token, and no storage read but the first', async () => {
    const services = await servicesWith();
    const before = acsCalls();

    const issued = await services.tokens.issueForCaller(newCaller(), { scopes: ['chat', 'voip'] });

    const after = acsCalls();
    expect(after.create - before.create).toBe(1);
    expect(after.issue - before.issue).toBe(0);
    expect(await validate(issued.token)).toMatchObject({ valid: true });
    const calls = recorder.take().map((call) => `${call.kind} ${call.table.replace(/^t[0-9a-f]+/, '')}`);
    expect(calls.filter((call) => call.startsWith('point read') || call.startsWith('query'))).toEqual([
      'point read Subjects',
    ]);
    // The identity's meta and reverse link in one transaction; the forward link and the ready row in another.
    expect(calls.filter((call) => call.startsWith('batch'))).toHaveLength(2);
  });

  it('a miss spends the budget in one conditional write (its hint is in the row), then stores beside the audit', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    await services.tokens.issueForCaller(caller, { expiresInMinutes: 1440 });
    await services.tokens.issueForCaller(caller, { expiresInMinutes: 1400 }); // the hint is now in the row
    recorder.take();

    await services.tokens.issueForCaller(caller, { expiresInMinutes: 1300 });

    const calls = recorder.take().map((call) => `${call.kind} ${call.table.replace(/^t[0-9a-f]+/, '')}`);
    expect(calls.sort()).toEqual(
      [
        'point read Subjects',
        'update/upsert RateLimits',
        'update/upsert Subjects',
        'insert Audit',
        'insert Audit',
      ].sort(),
    );
  });

  it('stores no token, nor any part of one, in any column of any table', async () => {
    const services = await servicesWith();
    const { token } = await services.tokens.issueForCaller(newCaller(), { scopes: ['chat', 'voip'] });
    const secrets = [token, ...token.split('.')];
    const tables = tablesOf(services.config);
    let columns = 0;
    for (const name of tableNames) {
      for await (const row of tables[name].listEntities<Record<string, unknown>>()) {
        for (const value of Object.values(row)) {
          columns++;
          const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
          const decoded = typeof value === 'string' ? Buffer.from(value, 'base64').toString('latin1') : '';
          for (const secret of secrets) {
            expect(text).not.toContain(secret);
            expect(decoded).not.toContain(secret);
          }
        }
      }
    }
    expect(columns).toBeGreaterThan(10);
  });

  it('an entry copied to another subject’s row, or to another scope set, does not open there', async () => {
    const services = await servicesWith();
    const alice = newCaller();
    const mallory = newCaller();
    const alicesChat = await services.tokens.issueForCaller(alice, { scopes: ['chat'] });
    await services.tokens.issueForCaller(mallory, { scopes: ['chat'] });
    const subjectsTable = tablesOf(services.config).Subjects;
    const aliceRow = await subjectsTable.getEntity<Record<string, string>>(
      tableKey(alice.subjectId),
      'default',
    );
    const sealed = Object.entries(aliceRow).find(([name]) => name.startsWith('tok_'));
    expect(sealed).toBeDefined();
    const [column, value] = sealed!;
    // In Mallory's row under the same scope set, and in Alice's own row under another scope set.
    await subjectsTable.updateEntity(
      { partitionKey: tableKey(mallory.subjectId), rowKey: 'default', [column]: value },
      'Merge',
    );
    await subjectsTable.updateEntity(
      { partitionKey: tableKey(alice.subjectId), rowKey: 'default', tok_8: value },
      'Merge',
    );
    const before = acsCalls().issue;

    const mallorysChat = await services.tokens.issueForCaller(mallory, { scopes: ['chat'] });
    const alicesVoip = await services.tokens.issueForCaller(alice, { scopes: ['voip'] });

    expect(mallorysChat.token).not.toBe(alicesChat.token);
    expect(alicesVoip.token).not.toBe(alicesChat.token);
    expect(acsCalls().issue - before).toBe(2);
  });

  it('an entry whose expiry is rewritten in clear does not open: the expiry is bound to the sealed token', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const issued = await services.tokens.issueForCaller(caller, { expiresInMinutes: 60 });
    const subjectsTable = tablesOf(services.config).Subjects;
    const row = await subjectsTable.getEntity<Record<string, string>>(tableKey(caller.subjectId), 'default');
    const [column, value] = Object.entries(row).find(([name]) => name.startsWith('tok_'))!;
    const [, ...rest] = value.split('.');
    // Claims a day of lifetime for a token that has an hour: it would be served past its own expiry.
    const forged = [Date.parse(issued.expiresOn) + 23 * 3_600_000, ...rest].join('.');
    await subjectsTable.updateEntity(
      { partitionKey: tableKey(caller.subjectId), rowKey: 'default', [column]: forged },
      'Merge',
    );
    const before = acsCalls().issue;

    const again = await services.tokens.issueForCaller(caller, {});

    expect(again.token).not.toBe(issued.token);
    expect(acsCalls().issue - before).toBe(1);
  });

  it('a revoked entry put back, under the new generation, does not open', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const revoked = await services.tokens.issueForCaller(caller, {});
    const subjectsTable = tablesOf(services.config).Subjects;
    const {
      etag: _etag,
      timestamp: _timestamp,
      ...saved
    } = await subjectsTable.getEntity<Record<string, unknown>>(tableKey(caller.subjectId), 'default');

    await services.tokens.revokeForCaller(caller);
    const current = await subjectsTable.getEntity<Record<string, unknown>>(
      tableKey(caller.subjectId),
      'default',
    );
    expect(current.cacheGeneration).not.toBe(saved.cacheGeneration);
    expect(Object.keys(current).some((name) => name.startsWith('tok_'))).toBe(false);
    await subjectsTable.upsertEntity(
      {
        ...saved,
        partitionKey: tableKey(caller.subjectId),
        rowKey: 'default',
        cacheGeneration: current.cacheGeneration,
      },
      'Replace',
    );

    expect((await services.tokens.issueForCaller(caller, {})).token).not.toBe(revoked.token);
  });

  it('a token being cached while a revoke lands is never cached: the row it read has moved on', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    await services.tokens.issueForCaller(caller, { scopes: ['voip'] });
    const store = identityStoreOf(services.config);
    const readBeforeIssuing = await store.readDefault(caller.subjectId);

    await services.tokens.revokeForCaller(caller);

    expect(await store.mergeDefaultCache(caller.subjectId, { tok_8: 'late' }, readBeforeIssuing!.etag)).toBe(
      false,
    );
  });

  it('hits hammered while revoking: after the revoke returns, nothing revoked is ever served', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    const original = await services.tokens.issueForCaller(caller, {});
    const served: Array<{ startedAt: number; token: string }> = [];
    let stop = false;
    const hammer = async () => {
      while (!stop) {
        const startedAt = performance.now();
        const { token } = await services.tokens.issueForCaller(caller, {});
        served.push({ startedAt, token });
      }
    };
    const workers = Array.from({ length: 6 }, () => hammer());
    while (served.length < 30) await new Promise((resolve) => setImmediate(resolve));
    await services.tokens.revokeForCaller(caller);
    const revokedAt = performance.now();
    const servedAtRevoke = served.length;
    while (served.length < servedAtRevoke + 60) await new Promise((resolve) => setImmediate(resolve));
    stop = true;
    await Promise.all(workers);

    const after = served.filter((entry) => entry.startedAt > revokedAt);
    expect(after.length).toBeGreaterThanOrEqual(50);
    expect(served.slice(0, 30).every((entry) => entry.token === original.token)).toBe(true);
    const distinct = [...new Set(after.map((entry) => entry.token))];
    expect(distinct).not.toContain(original.token);
    for (const token of distinct) expect(await validate(token)).toMatchObject({ valid: true });
    expect(await validate(original.token)).toEqual({ valid: false, reason: 'revoked' });
  });

  it('erasing the subject leaves nothing sealed behind', async () => {
    const services = await servicesWith();
    const caller = newCaller();
    await services.tokens.issueForCaller(caller, {});
    await services.erasure.eraseSubject(caller.subjectId);
    const rows: Record<string, unknown>[] = [];
    for await (const row of tablesOf(services.config).Subjects.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${tableKey(caller.subjectId)}'` },
    })) {
      rows.push(row);
    }
    expect(rows).toEqual([]);
  });
});

describe('the per-instance flood guard on cache hits', () => {
  it('serves the configured hits a minute per subject, then 429 TokenRequestFlood; misses and others go on', async () => {
    const clock = movableClock();
    const services = createAppServices(
      stack.config({
        TOKEN_CACHE_KEY: randomBytes(32).toString('base64'),
        TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
        TOKEN_HIT_FLOOD_PER_MINUTE: '3',
      }),
      { clock: clock.now },
    );
    await services.ready();
    const flooder = newCaller();
    const first = await services.tokens.issueForCaller(flooder, {});

    for (let hit = 0; hit < 3; hit++)
      expect((await services.tokens.issueForCaller(flooder, {})).token).toBe(first.token);
    await expect(services.tokens.issueForCaller(flooder, {})).rejects.toMatchObject({
      status: 429,
      code: 'TokenRequestFlood',
      retryAfterSeconds: expect.any(Number),
    });

    // A miss spends the shared budget instead; another subject has a bucket of its own.
    expect((await services.tokens.issueForCaller(flooder, { scopes: ['chat'] })).token).not.toBe(first.token);
    const bystander = newCaller();
    await services.tokens.issueForCaller(bystander, {});
    await services.tokens.issueForCaller(bystander, {});
    expect(services.tokenMetrics.snapshot()).toMatchObject({ cacheHits: 4, floodRefused: 1 });

    clock.advance(60_000);
    expect((await services.tokens.issueForCaller(flooder, {})).token).toBe(first.token);
  });
});
