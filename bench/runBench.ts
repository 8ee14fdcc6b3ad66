import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startAcsEmulatorProcess, type AcsEmulatorProcess } from './acsEmulatorProcess';
import { startAzuriteProcess } from './azuriteProcess';
import { isSelected, type BenchOptions } from './benchOptions';
import type { BenchResults, ScenarioResult } from './benchResults';
import type { ChildProcessGroup } from './childProcessGroup';
import { measureImportTime } from './coldStart/measureImportTime';
import { measureSpawnToHealthy } from './coldStart/measureSpawnToHealthy';
import { devSignInAll } from './devSignIn';
import { runFaultLoad } from './faultLoad';
import { startBareHttpServer } from './floors/bareHttpFloor';
import { floorMeasurement, floorNames } from './floors/measureFloors';
import { readProcessMemory } from './hostMemory';
import { newHostIdentity, startHostProcess, type HostIdentity, type HostProcess } from './hostProcess';
import { httpJson } from './httpJson';
import type { LoadShape } from './load/autocannonLoad';
import type { LoadResult } from './load/loadResult';
import { measureCpu } from './load/processCpu';
import { machineInfo } from './machineInfo';
import { profiledScenario } from './profile/profiledScenario';
import { progress } from './progress';
import { repoRoot } from './repoPaths';
import { firstTokenScenario } from './scenarios/firstTokenScenario';
import { joinCallScenario } from './scenarios/joinCallScenario';
import { myCallsScenario } from './scenarios/myCallsScenario';
import { runScenario, type ScenarioEnvironment } from './scenarios/runScenario';
import type { FloorName, Scenario } from './scenarios/scenario';
import { seedCalls, type SeededCalls } from './scenarios/seededCalls';
import { seedUsers, type SeededUsers } from './scenarios/seededUsers';
import { ShrinkingExpiry } from './scenarios/shrinkingExpiry';
import { tokenHitScenario } from './scenarios/tokenHitScenario';
import { tokenMissScenario } from './scenarios/tokenMissScenario';
import { evaluateTargets } from './targets';
import type { DependencyTrace } from './trace/dependencyTrace';
import { traceDependencies } from './trace/traceDependencies';

/** Requests per scenario whose dependency calls are counted, one at a time. */
const traceRequests = 10;

/** Calls inviting the "my calls" user: one full default page. */
const busyUserCalls = 50;

interface Stack {
  group: ChildProcessGroup;
  azuritePid: number;
  emulator: AcsEmulatorProcess;
  identity: HostIdentity;
  host: HostProcess;
}

/** The whole bench: dependencies, cold start, seeding, floors, scenarios, memory, faults. */
export async function runBench(options: BenchOptions, group: ChildProcessGroup): Promise<BenchResults> {
  const shape: LoadShape = { connections: options.connections, durationSeconds: options.durationSeconds };
  const skipped: string[] = [];
  progress('starting Azurite and the ACS emulator (separate processes)');
  const [azurite, emulator] = await Promise.all([startAzuriteProcess(group), startAcsEmulatorProcess(group)]);
  const identity = await newHostIdentity({
    tablesConnectionString: azurite.connectionString,
    acsConnectionString: emulator.connectionString,
  });

  let coldStart: BenchResults['coldStart'];
  if (isSelected(options, 'cold-start')) {
    progress(`cold start: app import, ${options.coldStartRuns} fresh processes`);
    const importTime = await measureImportTime(group, identity, options.coldStartRuns);
    progress(`cold start: spawn to first healthy response, ${options.coldStartRuns} hosts`);
    const spawnToHealthy = await measureSpawnToHealthy(group, identity, options.coldStartRuns);
    coldStart = { importTime, spawnToHealthy };
  }

  progress('starting the Functions host (local/start.js, nothing embedded)');
  const stack: Stack = {
    group,
    azuritePid: azurite.child.pid,
    emulator,
    identity,
    host: await startHostProcess(group, identity),
  };
  const scenarioIds = ['token-miss', 'token-hit', 'first-token', 'my-calls', 'join'];
  const wanted = scenarioIds.filter((id) => isSelected(options, id));
  const faultsWanted = isSelected(options, 'faults');
  if (wanted.length === 0 && !faultsWanted && !floorNames.some((name) => isSelected(options, name))) {
    return finish(options, { floors: {}, scenarios: [], skipped, ...(coldStart ? { coldStart } : {}) });
  }

  progress(`seeding ${options.users} users (sign-in and a first token each)`);
  const users = await seedUsers(loopback(stack.host.url), 'bench-user', options.users, options.connections);
  const calls = await seedCallsIfServed(stack, users, wanted, skipped);
  const freshPool = Math.max(500, Math.ceil(options.durationSeconds * 250));
  const fresh = wanted.includes('first-token')
    ? await devSignInAll(stack.host.url, Array.from({ length: freshPool }, (_, index) => `bench-new-${index}`))
    : [];

  const expiry = new ShrinkingExpiry();
  const scenarios = [
    tokenMissScenario(users, expiry),
    tokenHitScenario(users),
    firstTokenScenario(fresh),
    ...(calls ? [myCallsScenario(calls), joinCallScenario(users, calls)] : []),
  ].filter((scenario) => wanted.includes(scenario.id));

  const floors = await measureFloors(options, stack, users, calls, scenarios, shape);
  const scenarioResults = await runScenarios(options, stack, scenarios, floors, shape, tokenHitScenario(users));

  const hostMemory = readProcessMemory(stack.host.child.pid);
  let dependencyTraces: DependencyTrace[] | undefined;
  if (isSelected(options, 'trace') && scenarios.length > 0) {
    progress('counting the dependency calls per request (a second host, Table calls recorded)');
    const traceFresh = wanted.includes('first-token')
      ? await devSignInAll(stack.host.url, Array.from({ length: traceRequests }, (_, index) => `bench-traced-${index}`))
      : [];
    const traced = [
      tokenMissScenario(users, expiry),
      tokenHitScenario(users),
      firstTokenScenario(traceFresh),
      ...(calls ? [myCallsScenario(calls), joinCallScenario(users, calls)] : []),
    ].filter((scenario) => wanted.includes(scenario.id));
    dependencyTraces = await traceDependencies(group, identity, emulator.url, traced, tokenHitScenario(users), traceRequests);
  }
  let faults: BenchResults['faults'];
  if (faultsWanted) {
    progress(`under load with ACS 429s injected, ${options.faultDurationSeconds} s`);
    faults = await runFaultLoad(
      loopback(stack.host.url),
      emulator.url,
      tokenMissScenario(users, expiry),
      { ...shape, durationSeconds: options.faultDurationSeconds },
      { share: 0.25, retryAfterSeconds: 1, everyMs: 100 },
    );
  }
  return finish(options, {
    floors,
    scenarios: scenarioResults,
    skipped,
    hostMemory,
    ...(dependencyTraces ? { dependencyTraces } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(faults ? { faults } : {}),
  });
}

function finish(options: BenchOptions, measured: Omit<BenchResults, 'machine' | 'options' | 'targets'>): BenchResults {
  const { resultsFile: _resultsFile, ...shownOptions } = options;
  const results = { machine: machineInfo(), options: shownOptions, ...measured };
  return { ...results, targets: evaluateTargets(results) };
}

/** The calls scenarios need the calls API; a build without it skips them and says so. */
async function seedCallsIfServed(
  stack: Stack,
  users: SeededUsers,
  wanted: string[],
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

async function measureFloors(
  options: BenchOptions,
  stack: Stack,
  users: SeededUsers,
  calls: SeededCalls | undefined,
  scenarios: Scenario[],
  shape: LoadShape,
): Promise<Partial<Record<FloorName, LoadResult>>> {
  const needed = new Set(scenarios.flatMap((scenario) => scenario.floor.map((term) => term.floor)));
  const wantedFloors = floorNames.filter((name) => needed.has(name) || isSelected(options, name));
  const bare = wantedFloors.includes('bareHttp') ? await startBareHttpServer(stack.group) : undefined;
  const pids = { ...benchPids(stack, stack.host), ...(bare ? { 'bare http': bare.child.pid } : {}) };
  const floors: Partial<Record<FloorName, LoadResult>> = {};
  try {
    for (const name of wantedFloors) {
      const measure = floorMeasurement(name, {
        ...(bare ? { bareHttpUrl: bare.url } : {}),
        tablesConnectionString: stack.identity.tablesConnectionString,
        acsConnectionString: stack.identity.acsConnectionString,
        subjects: users.subjects,
        ...(calls ? { busySubject: calls.busySubject } : {}),
        shape,
      });
      if (!measure) continue;
      progress(`floor: ${name}`);
      const { result, otherMs } = await measureCpu(pids, measure);
      floors[name] = {
        ...result,
        otherLoadPercent: (100 * otherMs) / (result.durationSeconds * 1000 * availableParallelism()),
      };
    }
  } finally {
    await bare?.child.stop();
  }
  return floors;
}

async function runScenarios(
  options: BenchOptions,
  stack: Stack,
  scenarios: Scenario[],
  floors: Partial<Record<FloorName, LoadResult>>,
  shape: LoadShape,
  warmUp: Scenario,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  if (!options.profile) {
    for (const scenario of scenarios) {
      progress(`scenario: ${scenario.name}`);
      results.push(await runScenario(scenario, scenarioEnvironment(stack, stack.host, floors, shape)));
    }
    return results;
  }
  // Profiled hosts take the bench host's port (the dev issuer's URL), so it steps aside meanwhile.
  await stack.host.child.stop();
  const profileDir = join(repoRoot, 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(profileDir, { recursive: true });
  for (const scenario of scenarios) {
    progress(`scenario under --cpu-prof: ${scenario.name}`);
    results.push(
      await profiledScenario(
        { group: stack.group, identity: stack.identity, warmUp, profileDir },
        scenario,
        (host) => runScenario(scenario, scenarioEnvironment(stack, host, floors, shape)),
        shape,
      ),
    );
  }
  stack.host = await startHostProcess(stack.group, stack.identity);
  return results;
}

function scenarioEnvironment(
  stack: Stack,
  host: HostProcess,
  floors: Partial<Record<FloorName, LoadResult>>,
  shape: LoadShape,
): ScenarioEnvironment {
  return {
    hostUrl: loopback(host.url),
    emulatorUrl: stack.emulator.url,
    pids: benchPids(stack, host),
    shape,
    floors,
  };
}

/** The processes the bench runs: their CPU is the work measured, anything else's is noise. */
function benchPids(stack: Stack, host: HostProcess): Record<string, number> {
  return {
    host: host.child.pid,
    azurite: stack.azuritePid,
    emulator: stack.emulator.child.pid,
    'load generator': process.pid,
  };
}

/** The host prints localhost; the load generator should not resolve a name per connection. */
function loopback(url: string): string {
  return url.replace('//localhost:', '//127.0.0.1:');
}
