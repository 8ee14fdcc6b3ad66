import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** ACS access keys are base64; the HMAC uses the decoded bytes, so anything else could never sign. */
export const accessKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'An access key must be base64.')
  .refine(
    (key) => Buffer.from(key, 'base64').length >= 16,
    'An access key must decode to at least 16 bytes.',
  );

export function randomAccessKey(): string {
  return randomBytes(32).toString('base64');
}
