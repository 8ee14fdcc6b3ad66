import type { SeededUsers } from './seededUsers';
import { jsonRequest, type Scenario } from './scenario';
import type { ShrinkingExpiry } from './shrinkingExpiry';

/**
 * `POST /api/token` for already-mapped users, a different user each request, each asking for a
 * lifetime no cached token can serve (see ShrinkingExpiry), so every request takes the whole miss
 * path: mapping read, cache lookup, ACS token, cache write. The ACS call count proves it.
 */
export function tokenMissScenario(users: SeededUsers, expiry: ShrinkingExpiry): Scenario {
  let next = 0;
  return {
    id: 'token-miss',
    name: 'token: cache miss',
    acsTokenCalls: 'every request',
    floor: [
      { floor: 'tableRead', times: 1, why: 'the caller → identity mapping' },
      { floor: 'acsGetToken', times: 1, why: 'the ACS token' },
    ],
    nextRequest() {
      const user = next++ % users.bearers.length;
      return jsonRequest('POST', '/api/token', users.bearers[user] as string, {
        expiresInMinutes: expiry.next(user),
      });
    },
  };
}
