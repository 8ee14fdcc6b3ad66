import { startAcsEmulatorProcess } from './acsEmulatorProcess';
import { buildBaseline } from './baseline/baselineBuild';
import { devSignInAll } from './devSignIn';
import { firstTokenScenario } from './scenarios/firstTokenScenario';
import { runScenario } from './scenarios/runScenario';
import { startAzuriteProcess } from './azuriteProcess';
import { isSelected, type BenchOptions } from './benchOptions';
import type { BenchResults, ScenarioResult } from './benchResults';
import { loopback, type BenchStack } from './benchStack';
import type { ChildProcessGroup } from './childProcessGroup';
import { measureImportTime } from './coldStart/measureImportTime';
import { measureSpawnToHealthy } from './coldStart/measureSpawnToHealthy';
import { runFaultLoad } from './faultLoad';
import { floorNames, measureFloors } from './floors/measureFloors';
import { readProcessMemory } from './hostMemory';
import { newHostIdentity, startHostProcess, type HostIdentity } from './hostProcess';
import { httpJson } from './httpJson';
import type { LoadShape } from './load/autocannonLoad';
import { machineInfo } from './machineInfo';
import { progress } from './progress';
import { environment, runProfiledScenarios, runScenarios } from './scenarios/runScenarios';
import type { Scenario } from './scenarios/scenario';
import { baselineScenarioId, scenarioIds, scenarioSet, type ScenarioInputs } from './scenarios/scenarioSet';
import { seedCalls, type SeededCalls } from './scenarios/seededCalls';
import { seedUsers, type SeededUsers } from './scenarios/seededUsers';
import { ShrinkingExpiry } from './scenarios/shrinkingExpiry';
import { tokenHitScenario } from './scenarios/tokenHitScenario';
import { tokenMissScenario } from './scenarios/tokenMissScenario';
import { evaluateTargets } from './targets';
import { traceDependencies } from './trace/traceDependencies';
import { measureCacheLookupWhatIf } from './whatIf/cacheLookupWhatIf';

/** Requests per scenario whose dependency calls are counted, one at a time. */
const traceRequests = 10;

/** Calls inviting the "my calls" user: one full default page. */
const busyUserCalls = 50;

type Measured = Omit<BenchResults, 'machine' | 'options' | 'targets'>;

/** The whole bench: dependencies, cold start, seeding, floors, scenarios, memory, traces, faults. */
export async function runBench(options: BenchOptions, group: ChildProcessGroup): Promise<BenchResults> {
  const measured: Measured = { floors: {}, scenarios: [], skipped: [] };
  progress('starting Azurite and the ACS emulator (separate processes)');
  const [azurite, emulator] = await Promise.all([startAzuriteProcess(group), startAcsEmulatorProcess(group)]);
  const identity = await newHostIdentity({
    tablesConnectionString: azurite.connectionString,
    acsConnectionString: emulator.connectionString,
  });
  if (isSelected(options, 'cold-start'))
    measured.coldStart = await measureColdStart(options, group, identity);

  const wanted = scenarioIds.filter((id) => isSelected(options, id));
  const wantedFloors = floorNames.filter((name) => isSelected(options, name));
  if (wanted.length === 0 && wantedFloors.length === 0 && !isSelected(options, 'faults')) {
    return finish(options, measured);
  }
  progress('starting the Functions host (local/start.js, nothing embedded)');
  const host = await startHostProcess(group, identity);
  const stack: BenchStack = { group, azuritePid: azurite.child.pid, emulator, identity, host };
  const inputs = await seed(options, stack, wanted, measured.skipped);
  await measureLoad(options, stack, inputs, wanted, measured);
  if (options.baseline && wanted.includes('first-token')) {
    // A comparison only: a baseline that cannot be built or run is reported as skipped, and the rest of the
    // run (and its report) goes on.
    try {
      measured.scenarios.push(await measureBaselineFirstToken(options, options.baseline, stack, measured));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      measured.skipped.push(`first-token baseline at ${options.baseline}: ${reason}`);
      progress(`baseline skipped: ${reason}`);
    }
  }

  if (isSelected(options, 'what-if') && wanted.includes('token-hit')) {
    progress('what-if: the token-cache lookup as a query (today) and as two point reads');
    measured.cacheLookupWhatIf = await measureCacheLookupWhatIf(stack, inputs.users.communicationUserIds, {
      connections: options.connections,
      durationSeconds: options.aloneDurationSeconds,
    });
  }
  // Profiled scenarios ran on hosts of their own: the bench host's peak would say nothing then.
  if (!options.profile) measured.hostMemory = readProcessMemory(stack.host.child.pid);
  if (isSelected(options, 'alone')) await measureAlone(options, stack, inputs, wanted, measured);
  if (isSelected(options, 'trace') && wanted.length > 0) {
    progress('counting the dependency calls per request (a second host, its Table calls recorded)');
    const traced = await scenarioSet(inputs, wanted, traceRequests, 'bench-traced');
    const warmUp = tokenHitScenario(inputs.users);
    measured.dependencyTraces = await traceDependencies(
      group,
      identity,
      emulator.url,
      traced,
      warmUp,
      traceRequests,
    );
  }
  if (isSelected(options, 'faults')) {
    progress(`under load with ACS 429s injected, ${options.faultDurationSeconds} s`);
    measured.faults = await runFaultLoad(
      loopback(stack.host.url),
      emulator.url,
      emulator.connectionString,
      tokenMissScenario(inputs.users, inputs.expiry),
      { connections: options.connections, durationSeconds: options.faultDurationSeconds },
      { share: 0.25, retryAfterSeconds: 1, everyMs: 100, burst: 4 * options.connections },
    );
  }
  return finish(options, measured);
}

/**
 * The first-token scenario against a build of an earlier commit, right after this build's, on the same
 * Azurite and emulator (tables of its own): the before of the speed work, measured side by side.
 */
async function measureBaselineFirstToken(
  options: BenchOptions,
  rev: string,
  stack: BenchStack,
  measured: Measured,
): Promise<ScenarioResult> {
  progress(`baseline: building ${rev} beside this checkout`);
  const build = await buildBaseline(rev);
  try {
    const identity = await newHostIdentity({
      tablesConnectionString: stack.identity.tablesConnectionString,
      acsConnectionString: stack.identity.acsConnectionString,
    });
    const host = await startHostProcess(
      stack.group,
      identity,
      [],
      { TABLE_NAME_PREFIX: 'base' },
      build.appRoot,
    );
    try {
      const users = Math.max(500, Math.ceil(options.durationSeconds * 250));
      const bearers = await devSignInAll(
        loopback(host.url),
        Array.from({ length: users }, (_, index) => `bench-baseline-${index}`),
      );
      const scenario = {
        ...firstTokenScenario(bearers),
        id: baselineScenarioId,
        name: `token: first (new user), at ${rev}`,
      };
      progress(`scenario: ${scenario.name}`);
      const shape = { connections: options.connections, durationSeconds: options.durationSeconds };
      return await runScenario(scenario, environment(stack, host, measured.floors, shape));
    } finally {
      await host.child.stop();
    }
  } finally {
    await build.remove();
  }
}

async function measureColdStart(options: BenchOptions, group: ChildProcessGroup, identity: HostIdentity) {
  progress(`cold start: app import, ${options.coldStartRuns} fresh processes`);
  const importTime = await measureImportTime(group, identity, options.coldStartRuns);
  progress(`cold start: spawn to first healthy response, ${options.coldStartRuns} hosts`);
  const spawnToHealthy = await measureSpawnToHealthy(group, identity, options.coldStartRuns);
  return { importTime, spawnToHealthy };
}

/** Users (and calls, when the build serves them) that the scenarios and floors work on. */
async function seed(
  options: BenchOptions,
  stack: BenchStack,
  wanted: readonly string[],
  skipped: string[],
): Promise<ScenarioInputs> {
  progress(`seeding ${options.users} users (sign-in and a first token each)`);
  const users = await seedUsers(loopback(stack.host.url), 'bench-user', options.users, options.connections);
  const calls = await seedCallsIfServed(stack, users, wanted, skipped);
  return {
    hostUrl: stack.host.url,
    users,
    ...(calls ? { calls } : {}),
    expiry: new ShrinkingExpiry(users.tokenExpiries),
  };
}

/** The floors the scenarios need (and any asked for), then the scenarios, at the configured load. */
async function measureLoad(
  options: BenchOptions,
  stack: BenchStack,
  inputs: ScenarioInputs,
  wanted: readonly string[],
  measured: Measured,
): Promise<void> {
  const shape: LoadShape = { connections: options.connections, durationSeconds: options.durationSeconds };
  // Enough never-seen users for any first-token rate this bench has seen; a shortfall is reported.
  const newUsers = Math.max(500, Math.ceil(options.durationSeconds * 250));
  const scenarios = await scenarioSet(inputs, wanted, newUsers, 'bench-new');
  measured.floors = await measureFloors(stack, floorsFor(options, scenarios), floorInputs(inputs), shape);
  measured.scenarios = options.profile
    ? await runProfiledScenarios(stack, scenarios, measured.floors, shape, tokenHitScenario(inputs.users))
    : await runScenarios(stack, scenarios, measured.floors, shape);
}

/** The same at one connection: latency with nothing queued, against floors measured the same way. */
async function measureAlone(
  options: BenchOptions,
  stack: BenchStack,
  inputs: ScenarioInputs,
  wanted: readonly string[],
  measured: Measured,
): Promise<void> {
  const shape: LoadShape = { connections: 1, durationSeconds: options.aloneDurationSeconds };
  const scenarios = await scenarioSet(
    inputs,
    wanted,
    Math.ceil(options.aloneDurationSeconds * 150),
    'bench-alone',
  );
  const floors = await measureFloors(stack, floorsFor(options, scenarios), floorInputs(inputs), shape);
  measured.alone = { floors, scenarios: await runScenarios(stack, scenarios, floors, shape) };
}

/** The floors the scenarios are composed of, and the others unless --only leaves them out. */
function floorsFor(options: BenchOptions, scenarios: Scenario[]) {
  const needed = new Set(scenarios.flatMap((scenario) => scenario.floor.map((term) => term.floor)));
  return floorNames.filter((name) => needed.has(name) || isSelected(options, name));
}

function floorInputs(inputs: ScenarioInputs) {
  return {
    subjects: inputs.users.subjects,
    ...(inputs.calls ? { busySubject: inputs.calls.busySubject } : {}),
  };
}

/** The calls scenarios need the calls API; a build without it skips them and says so. */
async function seedCallsIfServed(
  stack: BenchStack,
  users: SeededUsers,
  wanted: readonly string[],
  skipped: string[],
): Promise<SeededCalls | undefined> {
  if (!wanted.includes('my-calls') && !wanted.includes('join')) return undefined;
  const probe = await httpJson(`${stack.host.url}/api/calls`, { bearer: users.bearers[0] as string });
  if (probe.status !== 200) {
    skipped.push(`calls scenarios: GET /api/calls answered ${probe.status} (calls API not in this build)`);
    return undefined;
  }
  progress(`seeding calls: ${busyUserCalls} for the "my calls" user, one per 100 users to join`);
  return seedCalls(stack.host.url, users, busyUserCalls, 8);
}

function finish(options: BenchOptions, measured: Measured): BenchResults {
  const { resultsFile: _resultsFile, ...shownOptions } = options;
  const results = { machine: machineInfo(), options: shownOptions, ...measured };
  return { ...results, targets: evaluateTargets(results) };
}
