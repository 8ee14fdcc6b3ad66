import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzuriteTables, type AzuriteTables } from '../../local/azurite/startAzuriteTables';
import { createAutomationStore, type AutomationStore } from '../../shared/callAutomation/automationStore';
import { createAutomationWrites } from '../../shared/callAutomation/automationWrites';
import { callbackEventsSchema } from '../../shared/callAutomation/callbackEvents';
import { createCallbackReceiver } from '../../shared/callAutomation/callbackReceiver';
import type { ConnectionRecord } from '../../shared/callAutomation/connectionRecord';
import type { OperationRecord } from '../../shared/callAutomation/operationRecord';
import { createResultExpiryIndex } from '../../shared/callAutomation/resultExpiryIndex';
import { createResultSweep } from '../../shared/callAutomation/resultSweep';
import { storageFanOut } from '../../shared/concurrency/storageFanOut';
import { loadConfig } from '../../shared/config/loadConfig';
import { parseAes256Key } from '../../shared/crypto/aes256Key';
import { ensureTables, type TableClients } from '../../shared/storage/tableClients';
import { tableKey } from '../../shared/storage/tableKey';
import { realSleep } from '../../shared/time/sleep';
import { tablesOf } from '../support/storageOf';
import { uniqueTablePrefix } from '../support/testStack';

/*
 * The Call Automation tables on real Azurite, through the store as each instance builds it: the sweep of
 * expired results run by several instances at once, what it leaves alone, the inbox's time, and how many
 * writes an erasure keeps in flight. Times come from clocks the tests set.
 */
let azurite: AzuriteTables;
let tables: TableClients;
const dataKey = parseAes256Key(Buffer.alloc(32, 9).toString('base64'));

beforeAll(async () => {
  azurite = await startAzuriteTables();
  tables = tablesOf(
    loadConfig({
      AUTH_ISSUER: 'http://127.0.0.1:9/unused',
      AUTH_AUDIENCE: 'api://tests',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=AAAA',
      TABLE_NAME_PREFIX: uniqueTablePrefix(),
    }),
  );
  await ensureTables(tables);
});
afterAll(() => azurite?.close());

/** What one instance builds: its own table clients (its own sockets), the same tables. */
function instance(table: TableClient = tables.CallAutomation) {
  const expiry = createResultExpiryIndex(tables.CallResultExpiry);
  const store = createAutomationStore({
    table,
    index: tables.CallConnectionIndex,
    expiry,
    dataKey: async () => dataKey,
  });
  return { store, expiry };
}

const t0 = new Date('2040-03-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

function operation(callId: string, extra: Partial<OperationRecord> = {}): OperationRecord {
  return {
    operationId: randomUUID(),
    callId,
    bindingId: 'binding',
    kind: 'recognize',
    status: 'pending',
    requestedBy: 'olga',
    createdAt: t0.toISOString(),
    updatedAt: t0.toISOString(),
    ...extra,
  };
}

/** A recognize that completed with tones, written as the callback receiver writes it. */
async function collected(store: AutomationStore, callId: string, expiresAt: Date) {
  const pending = operation(callId);
  expect(await store.createOperation(pending)).toBe(true);
  const read = await store.readOperation(callId, pending.operationId);
  const done: OperationRecord = {
    ...pending,
    status: 'succeeded',
    result: { tones: ['1', '2', '3', '4'] },
    resultExpiresAt: expiresAt.toISOString(),
  };
  expect(await store.replaceOperation(done, read!.etag)).toBe(true);
  return pending.operationId;
}

const sealedColumns = async (callId: string, operationId: string) =>
  Object.keys(await tables.CallAutomation.getEntity(callId, `op_${operationId}`)).filter(
    (key) => key.startsWith('result') && key !== 'resultInformation',
  );

async function expiryRows(): Promise<string[]> {
  const rows: string[] = [];
  for await (const row of tables.CallResultExpiry.listEntities()) rows.push(String(row.rowKey));
  return rows;
}

describe('the sweep of expired results', () => {
  it('run by three instances at once erases each result once, leaves what is not due, and is idempotent', async () => {
    const { store } = instance();
    const callIds = [randomUUID(), randomUUID()];
    const due: Array<[string, string]> = [];
    // Over three expiry hours and two calls; one more that is not due yet.
    for (let i = 0; i < 24; i++) {
      const callId = callIds[i % 2]!;
      due.push([callId, await collected(store, callId, at(-5 * i - 1))]);
    }
    const later = await collected(store, callIds[0]!, at(30));

    const sweeps = Array.from({ length: 3 }, () => {
      const { store: own, expiry } = instance(tablesOf(loadConfigFor()).CallAutomation);
      return createResultSweep({ index: expiry, store: own, clock: () => t0 });
    });
    const tallies = await Promise.all(sweeps.map((sweep) => sweep.sweep()));
    expect(tallies.reduce((sum, tally) => sum + tally.erased, 0)).toBe(due.length);
    for (const [callId, operationId] of due) expect(await sealedColumns(callId, operationId)).toEqual([]);
    expect(await sealedColumns(callIds[0]!, later)).not.toEqual([]);
    expect(await expiryRows()).toEqual([`${callIds[0]}_${later}`]);

    // Again, and with a read of the operation erasing it first: nothing left twice.
    expect(await sweeps[0]!.sweep()).toEqual({ erased: 0, forgotten: 0, kept: 0 });
    expect(await store.eraseExpiredResult(callIds[0]!, later, at(31))).toBe('erased');
    expect(await store.eraseExpiredResult(callIds[0]!, later, at(31))).toBe('none');
    const next = createResultSweep({ index: instance().expiry, store, clock: () => at(31) });
    expect(await next.sweep()).toEqual({ erased: 0, forgotten: 1, kept: 0 });
    expect(await expiryRows()).toEqual([]);
  });

  it('keeps the entry of a result noted but not written while it may still come, then lets it go', async () => {
    const { store, expiry } = instance();
    const callId = randomUUID();
    const pending = operation(callId);
    await store.createOperation(pending);
    // The instance that noted the result died before writing it.
    await expiry.note(callId, pending.operationId, at(0).toISOString());
    const sweepAt = (minutes: number) =>
      createResultSweep({ index: expiry, store, clock: () => at(minutes) }).sweep();
    expect(await sweepAt(5)).toEqual({ erased: 0, forgotten: 0, kept: 1 });
    expect(await sweepAt(24 * 60 + 1)).toEqual({ erased: 0, forgotten: 1, kept: 0 });
    expect(await expiryRows()).toEqual([]);
  });

  it('erases a result whose row changed since the sweep read it (a subject erased meanwhile)', async () => {
    const { store } = instance();
    const callId = randomUUID();
    const operationId = await collected(store, callId, at(-1));
    let raced = false;
    const racing = instance(
      withPolicy(tablesOf(loadConfigFor()).CallAutomation, async (request, next) => {
        if (request.method === 'PUT' && !raced) {
          raced = true;
          await store.forgetSubject(callId, 'olga');
        }
        return next(request);
      }),
    );
    expect(await racing.store.eraseExpiredResult(callId, operationId, t0)).toBe('erased');
    expect(raced).toBe(true);
    const row = await tables.CallAutomation.getEntity<Record<string, unknown>>(callId, `op_${operationId}`);
    expect(row.requestedBy).toBe('(erased)');
    expect(await sealedColumns(callId, operationId)).toEqual([]);
  });
});

describe('the inbox', () => {
  it('records when an event was applied by the injected clock', async () => {
    const { store } = instance();
    const callId = randomUUID();
    const connection: ConnectionRecord = {
      callId,
      kind: 'call',
      bindingId: 'b'.repeat(22),
      state: 'connecting',
      callConnectionId: 'connection-1',
      pin: { requestId: randomUUID(), firstSent: t0 },
      participants: [],
      participantsSequence: -1,
      createdAt: t0.toISOString(),
      updatedAt: t0.toISOString(),
    };
    await store.createConnection(connection);
    const receiver = createCallbackReceiver({
      store,
      writes: createAutomationWrites(store, realSleep),
      resultTtlMs: 60_000,
      clock: () => at(7),
    });
    const eventId = randomUUID();
    await receiver.receive(
      callId,
      connection.bindingId,
      callbackEventsSchema.parse([
        {
          id: eventId,
          source: 'calling/callConnections/connection-1',
          type: 'Microsoft.Communication.CallConnected',
          specversion: '1.0',
          data: { callConnectionId: 'connection-1' },
        },
      ]),
    );
    const inbox = await tables.CallAutomation.getEntity<{ appliedAt: string }>(
      callId,
      `event_${tableKey(eventId)}`,
    );
    expect(inbox.appliedAt).toBe(at(7).toISOString());
  });
});

describe('erasing a subject from a call', () => {
  it(`keeps at most ${storageFanOut} writes in flight however many rows name them`, async () => {
    let inFlight = 0;
    let most = 0;
    const counted = withPolicy(tablesOf(loadConfigFor()).CallAutomation, async (request, next) => {
      if (request.method !== 'PUT') return next(request);
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        return await next(request);
      } finally {
        inFlight -= 1;
      }
    });
    const { store } = instance(counted);
    const callId = randomUUID();
    for (let i = 0; i < 40; i++) {
      await store.createParty(callId, {
        participantId: `p${i}`,
        rawId: `4:+1425555${1000 + i}`,
        subjectId: 'ivan',
      });
    }
    await store.forgetSubject(callId, 'ivan');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(storageFanOut);
    const parties = await store.listParties(callId);
    expect(parties).toHaveLength(40);
    expect(parties.filter((party) => party.subjectId !== undefined)).toEqual([]);
  });
});

function loadConfigFor() {
  return loadConfig({
    AUTH_ISSUER: 'http://127.0.0.1:9/unused',
    AUTH_AUDIENCE: 'api://tests',
    TABLES_CONNECTION_STRING: azurite.connectionString,
    ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=AAAA',
    TABLE_NAME_PREFIX: tablePrefixOf(tables.CallAutomation),
  });
}

/** The prefix of this file's tables: every instance here works on the same ones. */
function tablePrefixOf(table: TableClient): string {
  return table.tableName.slice(0, -'CallAutomation'.length);
}

type Next = Parameters<Parameters<TableClient['pipeline']['addPolicy']>[0]['sendRequest']>[1];
type PipelineRequest = Parameters<Next>[0];

/** A table client whose every request also passes `policy` (to watch or hold a request on the wire). */
function withPolicy(
  table: TableClient,
  policy: (request: PipelineRequest, next: Next) => ReturnType<Next>,
): TableClient {
  table.pipeline.addPolicy({ name: 'test-observer', sendRequest: policy });
  return table;
}
