import type { SeededCalls } from './seededCalls';
import type { SeededUsers } from './seededUsers';
import { jsonRequest, type Scenario } from './scenario';

/**
 * `POST /api/calls/{id}/join`, each request another seeded user joining a call it is invited to. The
 * join token is ["voip"] for the default lifetime, which the user's seeded token can serve from the
 * cache: the ACS call count says whether it did.
 */
export function joinCallScenario(users: SeededUsers, calls: SeededCalls): Scenario {
  let next = 0;
  return {
    id: 'join',
    name: 'join call',
    floor: [{ floor: 'tableRead', times: 3, why: 'the call record, the mapping and the cached token' }],
    nextRequest() {
      const user = next++ % users.bearers.length;
      return jsonRequest(
        'POST',
        `/api/calls/${calls.callOfUser(user)}/join`,
        users.bearers[user] as string,
        {},
      );
    },
  };
}
