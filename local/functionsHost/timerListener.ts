import { randomUUID } from 'node:crypto';
import { invokeFunction } from './invokeFunction';
import type { FunctionApp } from './loadFunctionApp';
import { timerUsesMonitor, type TimerFunction } from './timerFunction';

/** What time it is and how to wait for a time: the system's, or a test's that it moves by hand. */
export interface TimerClock {
  now(): Date;
  /** Calls `fire` after `ms`; returns what cancels it. */
  after(ms: number, fire: () => void): () => void;
}

export const systemTimerClock: TimerClock = {
  now: () => new Date(),
  after(ms, fire) {
    const handle = setTimeout(fire, ms);
    return () => clearTimeout(handle);
  },
};

/** The `Timer` a handler gets: the host's TimerInfo as JSON, camel-cased by the library. */
interface TimerInput {
  schedule: { adjustForDST: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
  isPastDue: boolean;
}

interface ScheduleStatus {
  last: Date | undefined;
  next: Date | undefined;
  lastUpdated: Date | undefined;
}

export interface TimerListeners {
  /** Cancels what is scheduled and waits for invocations under way. */
  stop(): Promise<void>;
}

/** .NET's default(DateTime), which the host shows for a time that has not been yet. */
const never = '0001-01-01T00:00:00';
/** The longest wait the host's System.Timers.Timer takes at once; a longer one is waited in parts. */
const maxWaitMs = 24 * 24 * 60 * 60 * 1000;

/**
 * Runs each timer function on its schedule, as the host's TimerListener does: the first occurrence after
 * start (or at once with runOnStartup), one invocation at a time (the next is scheduled when one ends, from
 * the time it ends), a failure logged and the schedule kept. With the schedule monitored (see
 * timerUsesMonitor) the handler sees the status as it stood when the invocation began. Unlike Azure, the
 * status is kept in memory only: no occurrence missed while the host was down is run late (isPastDue is
 * always false), and nothing stops two local hosts on one app from both running a timer.
 */
export function startTimerListeners(
  app: FunctionApp,
  timers: readonly TimerFunction[],
  options: { log: (line: string) => void; clock?: TimerClock },
): TimerListeners {
  const { log } = options;
  const clock = options.clock ?? systemTimerClock;
  const cancels = new Set<() => void>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const listen = (timer: TimerFunction) => {
    const startedAt = clock.now();
    const monitored = timerUsesMonitor(timer, startedAt);
    let status: ScheduleStatus = {
      last: undefined,
      next: timer.schedule.nextAfter(startedAt),
      lastUpdated: undefined,
    };

    const input = (): TimerInput => ({
      schedule: { adjustForDST: true },
      scheduleStatus: monitored
        ? {
            last: status.last?.toISOString() ?? never,
            next: status.next?.toISOString() ?? never,
            lastUpdated: status.lastUpdated?.toISOString() ?? never,
          }
        : null,
      isPastDue: false,
    });

    const invoke = async (runOnStartup: boolean) => {
      const invokedAt = clock.now();
      const invocationId = randomUUID();
      log(
        `Executing 'Functions.${timer.name}' (Reason='Timer fired at ${invokedAt.toISOString()}', Id=${invocationId})`,
      );
      try {
        await invokeFunction(app, timer, invocationId, input(), log);
        log(`Executed 'Functions.${timer.name}' (Succeeded, Id=${invocationId})`);
      } catch (error) {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`Executed 'Functions.${timer.name}' (Failed, Id=${invocationId}): ${detail}`);
      }
      // A timer that fired a little early counts as having run at its occurrence, so that one is not run twice.
      const at = !runOnStartup && status.next && status.next > invokedAt ? status.next : invokedAt;
      status = { last: at, next: timer.schedule.nextAfter(at), lastUpdated: at };
    };

    const tracked = (work: Promise<void>) => {
      running.add(work);
      void work.finally(() => running.delete(work));
      return work;
    };

    const scheduleNext = () => {
      if (stopped || !status.next) return;
      const due = status.next;
      const wait = (ms: number) => {
        const cancel = clock.after(Math.min(ms, maxWaitMs), () => {
          cancels.delete(cancel);
          if (stopped) return;
          const left = due.getTime() - clock.now().getTime();
          if (ms > maxWaitMs && left > 0) return wait(left);
          void tracked(invoke(false)).then(scheduleNext);
        });
        cancels.add(cancel);
      };
      wait(Math.max(1, due.getTime() - clock.now().getTime()));
    };

    const upcoming: string[] = [];
    for (let at = startedAt, i = 0; i < 5; i++) {
      const next = timer.schedule.nextAfter(at);
      if (!next) break;
      upcoming.push(next.toISOString());
      at = next;
    }
    log(
      upcoming.length > 0
        ? `The next ${upcoming.length} occurrences of the '${timer.name}' schedule (Cron: '${timer.schedule.expression}') will be: ${upcoming.join(', ')}`
        : `The '${timer.name}' schedule (Cron: '${timer.schedule.expression}') never occurs.`,
    );
    if (timer.runOnStartup) {
      void tracked(invoke(true)).then(scheduleNext);
    } else {
      scheduleNext();
    }
  };

  for (const timer of timers) listen(timer);

  return {
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      cancels.clear();
      await Promise.all([...running]);
    },
  };
}
