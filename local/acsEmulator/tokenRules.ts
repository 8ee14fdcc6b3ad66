import { z } from 'zod';

export const acsTokenScopes = ['chat', 'chat.join', 'chat.join.limited', 'voip', 'voip.join'] as const;
export type AcsTokenScope = (typeof acsTokenScopes)[number];

export const defaultExpiresInMinutes = 1440;

export const tokenScopesSchema = z
  .array(
    z.enum(acsTokenScopes, {
      error: (issue) =>
        `Invalid scope ${JSON.stringify(issue.input)}; allowed: ${acsTokenScopes.join(', ')}.`,
    }),
  )
  .min(1, 'At least one scope is required.')
  // ACS treats the scopes as a set; repeating one changes nothing.
  .transform((scopes) => [...new Set(scopes)]);

export const expiresInMinutesSchema = z
  .number()
  .int('expiresInMinutes must be a whole number of minutes.')
  .min(60, 'expiresInMinutes must be between 60 and 1440.')
  .max(1440, 'expiresInMinutes must be between 60 and 1440.');

/**
 * ACS tokens carry the scopes twice: readable in `acsScope` and as a bit set in `scp`. The bit values
 * are the emulator's own (clients must not rely on them); the real service documents none.
 */
const scopeBits: Record<AcsTokenScope, number> = {
  chat: 0x100,
  voip: 0x200,
  'chat.join': 0x400,
  'chat.join.limited': 0x800,
  'voip.join': 0x1000,
};

export function scopeClaim(scopes: readonly AcsTokenScope[]): number {
  return scopes.reduce((bits, scope) => bits | scopeBits[scope], 0);
}

export function isAcsTokenScope(value: string): value is AcsTokenScope {
  return (acsTokenScopes as readonly string[]).includes(value);
}
