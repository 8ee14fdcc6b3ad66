import { jsonRequest, type Scenario } from './scenario';
import type { SeededCalls } from './seededCalls';

/** `GET /api/calls` (first page, default size 50) for one user invited to that many calls. */
export function myCallsScenario(calls: SeededCalls): Scenario {
  return {
    id: 'my-calls',
    name: `my calls (${calls.busyUserCalls} calls)`,
    floor: [{ floor: 'partitionQuery50', times: 1, why: "one partition read of the caller's calls" }],
    nextRequest: () => jsonRequest('GET', '/api/calls', calls.busyBearer),
  };
}
