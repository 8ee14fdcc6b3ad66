import { jsonRequest, type Scenario } from './scenario';

/**
 * `POST /api/token` for users the service has never seen, one per request: get-or-create of the
 * identity, then its first token. Bearers are minted before the run; if the run outlasts the pool,
 * requests repeat users (no longer first tokens) and the caveat says how many did.
 */
export function firstTokenScenario(freshBearers: readonly string[]): Scenario {
  let next = 0;
  return {
    id: 'first-token',
    name: 'token: first (new user)',
    floor: [
      { floor: 'tableInsert', times: 2, why: 'the creation claim, then the mapping' },
      { floor: 'acsCreateUserAndToken', times: 1, why: 'identity and token in one ACS call' },
    ],
    nextRequest() {
      return jsonRequest('POST', '/api/token', freshBearers[next++ % freshBearers.length] as string, {});
    },
    caveat() {
      const repeated = next - freshBearers.length;
      return repeated > 0 ? `${repeated} requests reused a user (pool of ${freshBearers.length})` : undefined;
    },
  };
}
