import type { SeededUsers } from './seededUsers';
import { jsonRequest, type Scenario } from './scenario';

/**
 * `POST /api/token` again for the seeded users with the scopes and lifetime they were seeded with
 * (the defaults), a different user each request: every answer can come from the cache. The ACS call
 * count says whether it did.
 */
export function tokenHitScenario(users: SeededUsers): Scenario {
  let next = 0;
  return {
    id: 'token-hit',
    name: 'token: cache hit',
    acsTokenCalls: 'none',
    floor: [
      { floor: 'bareHttp', times: 1, why: 'the HTTP request itself' },
      { floor: 'tableRead', times: 1, why: 'the default row, which holds the cached token' },
    ],
    nextRequest() {
      const user = next++ % users.bearers.length;
      return jsonRequest('POST', '/api/token', users.bearers[user] as string, {});
    },
  };
}
