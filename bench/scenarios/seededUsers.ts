import { devSignInAll } from '../devSignIn';
import { expectJson } from '../httpJson';
import { mapWithConcurrency } from '../../shared/concurrency/mapWithConcurrency';

export interface SeededUsers {
  subjects: string[];
  bearers: string[];
  communicationUserIds: string[];
  /** When each user's seeded token expires (epoch ms). */
  tokenExpiries: number[];
}

/**
 * Users the service already knows: each signed in and given one token (`POST /api/token`, defaults:
 * scopes ["voip"], 1440 minutes), which maps it to an ACS identity and, with the cache on, caches that
 * token.
 */
export async function seedUsers(
  hostUrl: string,
  prefix: string,
  count: number,
  concurrency: number,
): Promise<SeededUsers> {
  const subjects = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
  const bearers = await devSignInAll(hostUrl, subjects);
  const tokens = await mapWithConcurrency(bearers, concurrency, (bearer) =>
    expectJson<{ communicationUserId: string; expiresOn: string }>(`${hostUrl}/api/token`, 200, {
      method: 'POST',
      bearer,
      body: {},
    }),
  );
  return {
    subjects,
    bearers,
    communicationUserIds: tokens.map((token) => token.communicationUserId),
    tokenExpiries: tokens.map((token) => Date.parse(token.expiresOn)),
  };
}
