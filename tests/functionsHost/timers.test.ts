import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';
import type { TimerClock } from '../../local/functionsHost/timerListener';

/*
 * Timer functions on the local host, as the Functions host runs them: on their NCRONTAB schedules (UTC), one
 * invocation at a time, with the Timer the worker hands a Node.js handler, through the invocation hooks. The
 * host's clock is one this test moves, so a minute's schedule costs no wall time.
 */
const APP_ROOT = path.resolve(__dirname, '../fixtures/functionsHost/timers');

interface Invocation {
  name: string;
  invocationId?: string;
  trigger?: string;
  timer?: {
    schedule: { adjustForDST: boolean };
    scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
    isPastDue: boolean;
  };
}

const invocations = (): Invocation[] =>
  ((globalThis as { __timerFixtureInvocations?: Invocation[] }).__timerFixtureInvocations ??= []);
const runsOf = (name: string) => invocations().filter((invocation) => invocation.name === name);

/** A clock that stands still until the test moves it; what falls due fires in time order as it passes. */
function handMovedClock(start: string) {
  let now = Date.parse(start);
  let nextId = 0;
  const pending = new Map<number, { at: number; fire: () => void }>();
  const clock: TimerClock = {
    now: () => new Date(now),
    after(ms, fire) {
      const id = nextId++;
      pending.set(id, { at: now + ms, fire });
      return () => pending.delete(id);
    },
  };
  return {
    clock,
    pending: () => pending.size,
    /** Fires, in order, everything due by `to` (each waited for until its timer is set again). */
    async moveTo(to: string) {
      const end = Date.parse(to);
      for (;;) {
        const [id, due] = [...pending.entries()].sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
        if (id === undefined || !due || due.at > end) break;
        pending.delete(id);
        now = due.at;
        const before = pending.size;
        due.fire();
        // One invocation at a time: the timer is set again once the invocation has ended.
        await expect.poll(() => pending.size, { interval: 1 }).toBe(before + 1);
      }
      now = end;
    },
  };
}

const time = handMovedClock('2030-01-01T00:00:30.500Z');
let host: FunctionsHost;
const logLines: string[] = [];

beforeAll(async () => {
  host = await startFunctionsHost({
    appRoot: APP_ROOT,
    log: (line) => logLines.push(line),
    settings: { FIXTURE_TIMER_SCHEDULE: '0 30 9 * * Mon-Fri' },
    timerClock: time.clock,
  });
});
afterAll(() => host?.close());

describe('timer functions', () => {
  it('are registered with their schedules (a setting resolved), and the ones the host refuses are not', () => {
    expect(host.timers).toEqual([
      { name: 'minutely', schedule: '0 * * * * *' },
      { name: 'tenSeconds', schedule: '*/10 * * * * *' },
      { name: 'startup', schedule: '0 0 0 1 Jan *' },
      { name: 'configured', schedule: '0 30 9 * * Mon-Fri' },
      { name: 'neverRuns', schedule: '0 0 0 30 Feb *' },
    ]);
    expect(host.functionErrors).toEqual([
      {
        name: 'badSchedule',
        message:
          "Error indexing method 'Functions.badSchedule'. The schedule expression was not recognized as a valid cron expression or timespan string.",
      },
      {
        name: 'unresolved',
        message:
          "Error indexing method 'Functions.unresolved'. '%FIXTURE_NOT_SET%' does not resolve to a value.",
      },
    ]);
    expect(logLines).toContain(
      'skipping function "timeSpan": its TimeSpan schedule \'00:05:00\' (App Service plans only) is not run by the local host',
    );
    expect(logLines).toContain(
      "The next 5 occurrences of the 'configured' schedule (Cron: '0 30 9 * * Mon-Fri') will be: 2030-01-01T09:30:00.000Z, 2030-01-02T09:30:00.000Z, 2030-01-03T09:30:00.000Z, 2030-01-04T09:30:00.000Z, 2030-01-07T09:30:00.000Z",
    );
    expect(logLines).toContain("The 'neverRuns' schedule (Cron: '0 0 0 30 Feb *') never occurs.");
  });

  it('runs a runOnStartup function at once; its failure is logged and its schedule kept', async () => {
    await expect.poll(() => runsOf('startup').length).toBe(1);
    await expect
      .poll(() => logLines.some((line) => line.startsWith("Executed 'Functions.startup' (Failed")))
      .toBe(true);
    expect(runsOf('startup')[0]).toMatchObject({
      trigger: 'timerTrigger',
      timer: { isPastDue: false, schedule: { adjustForDST: true } },
    });
    expect(runsOf('pre:startup')).toHaveLength(1);
    expect(time.pending()).toBe(4);
  });

  it('runs each function at its occurrences, one at a time, with the Timer the worker hands it', async () => {
    await time.moveTo('2030-01-01T00:00:59Z');
    expect(runsOf('tenSeconds')).toHaveLength(2);
    expect(runsOf('minutely')).toHaveLength(0);
    // More than once a minute: the host keeps no status for it.
    expect(runsOf('tenSeconds')[0]!.timer).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: null,
      isPastDue: false,
    });

    await time.moveTo('2030-01-01T00:02:00Z');
    const minutely = runsOf('minutely');
    expect(minutely.map((run) => run.timer?.scheduleStatus)).toEqual([
      { last: '0001-01-01T00:00:00', next: '2030-01-01T00:01:00.000Z', lastUpdated: '0001-01-01T00:00:00' },
      {
        last: '2030-01-01T00:01:00.000Z',
        next: '2030-01-01T00:02:00.000Z',
        lastUpdated: '2030-01-01T00:01:00.000Z',
      },
    ]);
    expect(new Set(minutely.map((run) => run.invocationId)).size).toBe(2);
    expect(runsOf('pre:minutely')).toHaveLength(2);
    expect(runsOf('tenSeconds')).toHaveLength(2 + 7);
    expect(runsOf('configured')).toHaveLength(0);
    expect(runsOf('neverRuns')).toHaveLength(0);
  });

  it('stop when the host closes', async () => {
    await host.close();
    expect(time.pending()).toBe(0);
  });
});
