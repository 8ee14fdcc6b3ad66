import { defineConfig } from 'vitest/config';

/**
 * Three layers, each a project: `npx vitest --project unit` runs in seconds (no Azurite, no emulator, no
 * process); `integration` uses real Azurite and the ACS emulator in-process; `e2e` goes over HTTP through
 * the local host, usually in its own process. `npm test` runs all three.
 */
const unit = [
  'tests/{api,structure,config,infra,concurrency,docs,http,budgets,bench}/**/*.test.ts',
  'tests/calls/callRules.test.ts',
  'tests/callAutomation/rules/**/*.test.ts',
  'tests/tokenCache/{aesGcmEnvelope,tokenCacheKey}.test.ts',
  'tests/functionsHost/routeTemplate.test.ts',
  'tests/client/clientContract.test.ts',
  'tests/client/unexpectedAnswers.test.mts',
  'tests/health/checkHealth.test.ts',
  'tests/retry/**/*.test.ts',
];
// Tests that start the service or a host as a process of its own.
const e2e = ['tests/**/*.e2e.test.{ts,mts}', 'tests/**/main.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on sockets and child processes, not on the CPU: on 2 CPUs the default (one worker)
    // left them idle. Three ran the suite in 115 s against 178 s; four gained little more.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'unit', include: unit, exclude: e2e } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: [...unit, ...e2e] },
      },
      { extends: true, test: { name: 'e2e', include: e2e } },
    ],
  },
});
