import { devSignInAll } from '../devSignIn';
import { firstTokenScenario } from './firstTokenScenario';
import { joinCallScenario } from './joinCallScenario';
import { myCallsScenario } from './myCallsScenario';
import type { Scenario } from './scenario';
import type { SeededCalls } from './seededCalls';
import type { SeededUsers } from './seededUsers';
import type { ShrinkingExpiry } from './shrinkingExpiry';
import { tokenHitScenario } from './tokenHitScenario';
import { tokenMissScenario } from './tokenMissScenario';

export const scenarioIds = ['token-miss', 'token-hit', 'first-token', 'my-calls', 'join'] as const;

/**
 * The first-token scenario run against a build of an earlier commit: a comparison, not a scenario of this
 * build, so its errors are not this build's.
 */
export const baselineScenarioId = 'first-token-baseline';

export interface ScenarioInputs {
  hostUrl: string;
  users: SeededUsers;
  /** Absent when the build has no calls API. */
  calls?: SeededCalls;
  /** Shared by every set, so no two token-miss requests of a user ever ask for the same lifetime. */
  expiry: ShrinkingExpiry;
}

/**
 * A fresh set of the wanted scenarios, in the order they run. Each set has its own never-seen users
 * for the first-token scenario (`newUsers` bearers, minted now), so no set eats another's.
 */
export async function scenarioSet(
  inputs: ScenarioInputs,
  wanted: readonly string[],
  newUsers: number,
  newUserPrefix: string,
): Promise<Scenario[]> {
  const { users, calls, expiry } = inputs;
  const fresh = wanted.includes('first-token')
    ? await devSignInAll(
        inputs.hostUrl,
        Array.from({ length: newUsers }, (_, index) => `${newUserPrefix}-${index}`),
      )
    : [];
  return [
    tokenMissScenario(users, expiry),
    tokenHitScenario(users),
    firstTokenScenario(fresh),
    ...(calls ? [myCallsScenario(calls), joinCallScenario(users, calls)] : []),
  ].filter((scenario) => wanted.includes(scenario.id));
}
