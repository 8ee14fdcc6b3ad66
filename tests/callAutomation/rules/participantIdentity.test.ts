import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { derivedUuid } from '../../../shared/callAutomation/derivedId';
import { keyOf, toneOf } from '../../../shared/callAutomation/dtmfTone';
import {
  e164Schema,
  maskPhoneNumber,
  participantIdOf,
  participantIdSchema,
  participantKind,
} from '../../../shared/callAutomation/participantIdentity';

describe('participants and ids', () => {
  it('mask phone numbers, keeping the country code’s first digit and the last two', () => {
    expect(maskPhoneNumber('+14255550123')).toBe('+1********23');
    expect(maskPhoneNumber('+4420')).toBe('+***');
  });

  it('name a participant per call, stably, without revealing who it is', () => {
    const a = participantIdOf('call-a', '4:+14255550123');
    expect(participantIdOf('call-a', '4:+14255550123')).toBe(a);
    expect(participantIdOf('call-b', '4:+14255550123')).not.toBe(a);
    expect(participantIdSchema.safeParse(a).success).toBe(true);
    expect(a).not.toContain('4255550123');
  });

  it('tell phones, ACS users and others apart by rawId', () => {
    expect(participantKind('4:+14255550123')).toBe('phone');
    expect(participantKind('8:acs:resource_user')).toBe('user');
    expect(participantKind('8:gcch-acs:resource_user')).toBe('user');
    expect(participantKind('8:orgid:someone')).toBe('other');
  });

  it('accept E.164 only', () => {
    expect(e164Schema.safeParse('+14255550123').success).toBe(true);
    for (const bad of ['14255550123', '+0123', '+1 425 555 0123', '+1234567890123456']) {
      expect(e164Schema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('derive the same valid UUID from the same parts, and another from other parts', () => {
    const id = derivedUuid('incoming', 'event-1');
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('8');
    expect(derivedUuid('incoming', 'event-1')).toBe(id);
    expect(derivedUuid('incoming', 'event-2')).not.toBe(id);
    expect(derivedUuid('incoming', 'event', '1')).not.toBe(derivedUuid('incoming', 'event-1'));
  });

  it('spell keys as ACS words and back', () => {
    expect(toneOf('#')).toBe('pound');
    expect(toneOf('*')).toBe('asterisk');
    expect(keyOf('seven')).toBe('7');
    expect(keyOf('Pound')).toBe('#');
    expect(keyOf('bogus')).toBeUndefined();
  });
});
