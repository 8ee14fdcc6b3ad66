import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A phone number in E.164: `+`, a country code that does not start with 0, at most 15 digits in all. */
export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/, 'must be a phone number in E.164 (+14255550100)');

export type ParticipantKind = 'user' | 'phone' | 'other';

/** ACS names a phone party `4:+E164`. */
export const phoneRawId = (e164: string) => `4:${e164}`;

export function participantKind(rawId: string): ParticipantKind {
  if (rawId.startsWith('4:')) return 'phone';
  if (/^8:(?:acs|gcch-acs|dod-acs|spool):/.test(rawId)) return 'user';
  return 'other';
}

export function phoneNumberOf(rawId: string): string | undefined {
  return rawId.startsWith('4:') ? rawId.slice(2) : undefined;
}

/**
 * The id clients name a participant by: a digest of the call and the participant's rawId, so that it is
 * stable (the same person is the same participant on every read and instance) and reveals neither the
 * phone number nor the ACS identity behind it.
 */
export function participantIdOf(callId: string, rawId: string): string {
  return createHash('sha256')
    .update(`${callId}\n${rawId}`, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export const participantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a participantId');

/** `+14255550100` -> `+1*******00`: enough to tell two numbers apart on a call, not enough to dial one. */
export function maskPhoneNumber(e164: string): string {
  if (e164.length <= 5) return '+***';
  return `${e164.slice(0, 2)}${'*'.repeat(e164.length - 4)}${e164.slice(-2)}`;
}
