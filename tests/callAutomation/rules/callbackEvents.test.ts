import { describe, expect, it } from 'vitest';
import { callbackEventsSchema } from '../../../shared/callAutomation/callbackEvents';

const envelope = (type: string, data: Record<string, unknown>, id = 'e1') => ({
  id,
  source: 'calling/callConnections/c',
  type,
  specversion: '1.0',
  time: '2026-01-01T00:00:00Z',
  data,
});

describe('the callback body, parsed without the SDK', () => {
  it('reads every event of the array with its id, and names unknown types without failing', () => {
    const parsed = callbackEventsSchema.parse([
      envelope('Microsoft.Communication.CallConnected', { callConnectionId: 'c' }, 'a'),
      envelope('Microsoft.Communication.SomethingNew', { callConnectionId: 'c', anything: [1] }, 'b'),
      envelope(
        'Microsoft.Communication.ParticipantsUpdated',
        {
          callConnectionId: 'c',
          sequenceNumber: 4,
          participants: [{ identifier: { kind: 'phoneNumber', phoneNumber: { value: '+14255550123' } } }],
        },
        'c',
      ),
    ]);
    expect(parsed.map((event) => [event.id, event.name])).toEqual([
      ['a', 'CallConnected'],
      ['b', undefined],
      ['c', 'ParticipantsUpdated'],
    ]);
    expect(parsed[2]).toMatchObject({
      data: { participants: [{ rawId: '4:+14255550123', isMuted: false }] },
    });
  });

  it.each([
    ['an empty array', []],
    ['not an array', envelope('Microsoft.Communication.CallConnected', { callConnectionId: 'c' })],
    ['an event without a callConnectionId', [envelope('Microsoft.Communication.CallConnected', {})]],
    [
      'an event without an id',
      [{ ...envelope('Microsoft.Communication.CallConnected', { callConnectionId: 'c' }), id: '' }],
    ],
    [
      'a known event whose data lacks what it must carry',
      [envelope('Microsoft.Communication.ParticipantsUpdated', { callConnectionId: 'c' })],
    ],
    [
      'more than 100 events',
      Array.from({ length: 101 }, (_, i) => envelope('x', { callConnectionId: 'c' }, `e${i}`)),
    ],
  ])('refuses %s', (_, body) => {
    expect(callbackEventsSchema.safeParse(body).success).toBe(false);
  });
});
