import { z } from 'zod';
import { acsScopes, type AcsScope } from '../config/acsScopes';
import { forbidden } from '../errors/serviceError';

/** A request's scopes: non-empty, each one of the five ACS scopes, no repeats. */
export const scopesSchema = z
  .array(z.enum(acsScopes))
  .min(1, 'at least one scope is required')
  .max(acsScopes.length)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat');

/** Expiry in minutes, as ACS allows it. */
export const expiresInMinutesSchema = z.number().int().min(60).max(1440);
export const defaultExpiresInMinutes = 1440;

/** Least privilege: a caller gets only scopes its allow-list grants. */
export function assertScopesAllowed(requested: AcsScope[], allowed: AcsScope[]): void {
  const refused = requested.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) {
    throw forbidden(`The scopes ${refused.join(', ')} may not be issued to this caller.`, {
      code: 'ScopeNotAllowed',
    });
  }
}
