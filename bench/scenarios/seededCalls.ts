import { devSignIn } from '../devSignIn';
import { expectJson } from '../httpJson';
import { mapWithConcurrency } from '../../shared/concurrency/mapWithConcurrency';
import type { SeededUsers } from './seededUsers';

export interface SeededCalls {
  /** A user invited to `busyUserCalls` calls. */
  busySubject: string;
  busyBearer: string;
  busyUserCalls: number;
  /** For the i-th seeded user, a call it is invited to. */
  callOfUser: (userIndex: number) => string;
}

const hourMs = 3_600_000;
/** Invitees per call for the join scenario: what a large meeting looks like, under CALLS_MAX_INVITEES' default. */
const joinCallSize = 100;

/**
 * Calls through the API as a client makes them (`POST /api/calls`, kind group): `busyUserCalls` calls
 * inviting one busy user, and calls inviting the seeded users in groups of `joinCallSize`.
 */
export async function seedCalls(
  hostUrl: string,
  users: SeededUsers,
  busyUserCalls: number,
  concurrency: number,
): Promise<SeededCalls> {
  const organizer = await devSignIn(hostUrl, 'bench-organizer');
  const busySubject = 'bench-busy-user';
  const busyBearer = await devSignIn(hostUrl, busySubject);
  const create = (index: number, invitees: string[]) =>
    expectJson<{ id: string }>(`${hostUrl}/api/calls`, 201, {
      method: 'POST',
      bearer: organizer,
      body: {
        kind: 'group',
        title: `Bench call ${index}`,
        startsAt: new Date(Date.now() + (index + 1) * hourMs).toISOString(),
        endsAt: new Date(Date.now() + (index + 2) * hourMs).toISOString(),
        invitees,
      },
    });
  await mapWithConcurrency(
    Array.from({ length: busyUserCalls }, (_, index) => index),
    concurrency,
    (index) => create(index, [busySubject]),
  );
  const groups = Math.ceil(users.subjects.length / joinCallSize);
  const joinCalls = await mapWithConcurrency(
    Array.from({ length: groups }, (_, group) => group),
    concurrency,
    (group) => create(group, users.subjects.slice(group * joinCallSize, (group + 1) * joinCallSize)),
  );
  return {
    busySubject,
    busyBearer,
    busyUserCalls,
    callOfUser: (userIndex) => (joinCalls[Math.floor(userIndex / joinCallSize)] as { id: string }).id,
  };
}
