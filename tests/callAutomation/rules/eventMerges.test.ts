import { describe, expect, it } from 'vitest';
import { callbackEventsSchema, type CallbackEvent } from '../../../shared/callAutomation/callbackEvents';
import type { ConnectionRecord } from '../../../shared/callAutomation/connectionRecord';
import { mergeIntoConnection, mergeIntoOperation } from '../../../shared/callAutomation/eventMerges';
import type { OperationRecord } from '../../../shared/callAutomation/operationRecord';

const now = new Date('2026-01-01T00:00:00Z');
const callConnectionId = 'conn-1';

function event(type: string, data: Record<string, unknown> = {}): CallbackEvent {
  const [parsed] = callbackEventsSchema.parse([
    {
      id: `${type}-${JSON.stringify(data)}`,
      source: 'calling/callConnections/conn-1',
      type: `Microsoft.Communication.${type}`,
      specversion: '1.0',
      data: { callConnectionId, ...data },
    },
  ]);
  if (!parsed || parsed.name === undefined) throw new Error(`not a known event: ${type}`);
  return parsed;
}

const participants = (sequenceNumber: number, ...rawIds: string[]) =>
  event('ParticipantsUpdated', {
    sequenceNumber,
    participants: rawIds.map((rawId) => ({ identifier: { rawId }, isMuted: false })),
  });

const connection: ConnectionRecord = {
  callId: '00000000-0000-4000-8000-000000000001',
  kind: 'call',
  bindingId: 'b',
  state: 'connecting',
  callConnectionId,
  pin: { requestId: 'r', firstSent: now },
  participants: [],
  participantsSequence: -1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
};

/** Applies events in order, each merge on the result of the last (undefined: unchanged). */
function applyAll(events: readonly CallbackEvent[]) {
  let record = connection;
  let transitions = 0;
  for (const next of events) {
    const merged = mergeIntoConnection(record, next, now);
    if (merged) {
      record = merged;
      transitions++;
    }
  }
  return { record, transitions };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('connection merges', () => {
  it('end in the same state whatever order the events come in, and duplicates change nothing', () => {
    const events = [
      event('CallConnected'),
      participants(1, '8:acs:a'),
      participants(2, '8:acs:a', '4:+14255550123'),
    ];
    const outcomes = permutations(events).map((order) => applyAll([...order, ...order]).record);
    for (const outcome of outcomes) {
      expect(outcome.state).toBe('connected');
      expect(outcome.participantsSequence).toBe(2);
      expect(outcome.participants.map((participant) => participant.rawId)).toEqual([
        '8:acs:a',
        '4:+14255550123',
      ]);
    }
  });

  it('never move a state back: connected after disconnected is history', () => {
    const { record, transitions } = applyAll([
      event('CallDisconnected'),
      event('CallConnected'),
      participants(5, 'x'),
    ]);
    expect(record.state).toBe('disconnected');
    expect(record.participants).toEqual([]);
    expect(transitions).toBe(1);
  });

  it('note who left (on a list, then off a newer one), and forget it when they are back', () => {
    const left = applyAll([participants(1, 'a', 'b'), participants(2, 'a')]).record;
    expect(left.departures).toEqual({ b: 2 });
    // A list that predates b's joining, arriving late, is stale: nobody left.
    expect(applyAll([participants(2, 'a', 'b'), participants(1, 'a')]).record.departures).toEqual({});
    const back = mergeIntoConnection(left, participants(3, 'a', 'b'), now)!;
    expect(back.departures).toEqual({});
  });

  it('take a participant list only from a higher sequence number', () => {
    const { record, transitions } = applyAll([
      participants(3, 'a', 'b'),
      participants(2, 'a'),
      participants(3, 'c'),
    ]);
    expect(record.participants.map((participant) => participant.rawId)).toEqual(['a', 'b']);
    expect(transitions).toBe(1);
  });
});

describe('operation merges', () => {
  const operation: OperationRecord = {
    operationId: '00000000-0000-4000-8000-00000000000a',
    callId: connection.callId,
    bindingId: 'b',
    kind: 'recognize',
    status: 'pending',
    requestedBy: 'olivia',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const context = { operationContext: operation.operationId };

  it('leave pending once: the first completion wins, later ones change nothing', () => {
    const completed = mergeIntoOperation(
      operation,
      event('RecognizeCompleted', {
        ...context,
        recognitionType: 'dtmf',
        dtmfResult: { tones: ['one', 'two', 'pound'] },
        resultInformation: { code: 200, subCode: 8531 },
      }),
      now,
      3_600_000,
    )!;
    expect(completed).toMatchObject({
      status: 'succeeded',
      result: { tones: ['1', '2', '#'] },
      resultExpiresAt: '2026-01-01T01:00:00.000Z',
    });
    expect(mergeIntoOperation(completed, event('RecognizeFailed', context), now, 1)).toBeUndefined();
    expect(mergeIntoOperation(completed, event('RecognizeCanceled', context), now, 1)).toBeUndefined();
  });

  it('take completions of their own kind only', () => {
    expect(mergeIntoOperation(operation, event('PlayCompleted', context), now, 1)).toBeUndefined();
    expect(
      mergeIntoOperation(
        operation,
        event('RecognizeFailed', { ...context, resultInformation: { subCode: 8510 } }),
        now,
        1,
      ),
    ).toMatchObject({
      status: 'failed',
      resultInformation: { subCode: 8510 },
    });
  });
});
