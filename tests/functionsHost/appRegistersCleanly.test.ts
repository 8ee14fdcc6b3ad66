import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations, operationList } from '../../shared/api/apiOperations';
import { resultSweepSchedule } from '../../shared/callAutomation/resultSweep';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';
import { repoRoot } from '../support/localService';

/**
 * This app, as `package.json` "main" gives it (the bundle `npm run build` writes), passes every
 * registration rule of the Azure Functions host: nothing is refused, every operation declared in
 * shared/api is served under its name and route, and the timer functions are run.
 */
let host: FunctionsHost;
const logLines: string[] = [];

beforeAll(async () => {
  // The app reads its settings when it loads; none of these is contacted by this test.
  Object.assign(process.env, {
    AUTH_ISSUER: 'http://127.0.0.1:9/unused',
    AUTH_AUDIENCE: 'api://tests',
    TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true;TableEndpoint=http://127.0.0.1:9/devstoreaccount1',
    ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=AAAA',
  });
  host = await startFunctionsHost({ appRoot: repoRoot, log: (line) => logLines.push(line) });
});
afterAll(() => host?.close());

describe('this app', () => {
  it('registers with no function in error', () => {
    expect(host.functionErrors).toEqual([]);
    expect(logLines.filter((line) => line.includes('function is in error'))).toEqual([]);
  });

  it('serves every declared operation under its own name and route', () => {
    const declared = operationList(apiOperations({ maxInvitees: 100 }));
    const served = new Map(host.functions.map((fn) => [fn.name, fn]));
    expect(declared.length).toBeGreaterThan(15);
    for (const operation of declared) {
      expect(served.get(operation.name)?.route, operation.name).toBe(operation.route);
      expect(served.get(operation.name)?.methods, operation.name).toContain(operation.method);
    }
    expect(host.functions).toHaveLength(declared.length);
  });

  it('registers the sweep of expired call results as a timer, on its schedule', () => {
    expect(host.timers).toEqual([{ name: 'sweepExpiredCallResults', schedule: resultSweepSchedule }]);
    expect(resultSweepSchedule).toBe('0 */5 * * * *');
  });
});
