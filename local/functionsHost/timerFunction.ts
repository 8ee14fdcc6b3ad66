import type { EffectiveFunctionOptions } from '@azure/functions';
import type { CoreFunctionCallback, RegisteredFunction } from './appRegistrations';
import { NcrontabError, parseNcrontab, type NcrontabSchedule } from './ncrontabSchedule';

/** A timer-triggered function as the app registered it, its schedule read as the host reads it. */
export interface TimerFunction {
  name: string;
  schedule: NcrontabSchedule;
  runOnStartup: boolean;
  /** As declared; undefined: the host decides from the schedule (see timerUsesMonitor). */
  useMonitor: boolean | undefined;
  callback: CoreFunctionCallback;
  /** What `context.options` shows the handler. */
  options: EffectiveFunctionOptions;
}

export type TimerCandidate =
  | { kind: 'timer'; timer: TimerFunction }
  | { kind: 'error'; message: string }
  | { kind: 'skipped'; reason: string };

/** `[d.]hh:mm[:ss[.fff]]` or whole days: a .NET TimeSpan, which the host takes on App Service plans only. */
const timeSpan = /^\s*\d+(\.\d+:\d+(:\d+(\.\d+)?)?|:\d+(:\d+(\.\d+)?)?)?\s*$/;

/**
 * `%NAME%` in a schedule is the app setting NAME, as the host's name resolver reads the whole string; a
 * setting that is not there is the host's indexing error.
 */
function resolveSettings(
  expression: string,
  settings: Readonly<Record<string, string | undefined>>,
): string | { missing: string } {
  let missing: string | undefined;
  const resolved = expression.replace(/%([^%]+)%/g, (token, name: string) => {
    const value = settings[name];
    if (value === undefined) missing ??= token;
    return value ?? token;
  });
  return missing ? { missing } : resolved;
}

/**
 * A registration whose trigger is a timer, checked as the host indexes it: undefined for other triggers.
 * The host's errors are worded as it logs them (`Error indexing method 'Functions.<name>'`).
 */
export function timerCandidate(
  registered: RegisteredFunction,
  options: EffectiveFunctionOptions | undefined,
  settings: Readonly<Record<string, string | undefined>>,
): TimerCandidate | undefined {
  if (!options || options.trigger.type.toLowerCase() !== 'timertrigger') return undefined;
  const { name } = registered.metadata;
  const indexing = `Error indexing method 'Functions.${name}'.`;
  const declared = options.trigger.schedule;
  if (typeof declared !== 'string' || declared === '') {
    return { kind: 'error', message: `${indexing} A timer trigger needs a schedule.` };
  }
  const expression = resolveSettings(declared, settings);
  if (typeof expression !== 'string') {
    return { kind: 'error', message: `${indexing} '${expression.missing}' does not resolve to a value.` };
  }
  let schedule: NcrontabSchedule;
  try {
    schedule = parseNcrontab(expression);
  } catch (error) {
    if (!(error instanceof NcrontabError)) throw error;
    if (timeSpan.test(expression)) {
      return {
        kind: 'skipped',
        reason: `skipping function "${name}": its TimeSpan schedule '${expression}' (App Service plans only) is not run by the local host`,
      };
    }
    return {
      kind: 'error',
      message: `${indexing} The schedule expression was not recognized as a valid cron expression or timespan string.`,
    };
  }
  const { runOnStartup, useMonitor } = options.trigger;
  return {
    kind: 'timer',
    timer: {
      name,
      schedule,
      runOnStartup: runOnStartup === true,
      useMonitor: typeof useMonitor === 'boolean' ? useMonitor : undefined,
      callback: registered.callback,
      options,
    },
  };
}

/**
 * Whether the host keeps the schedule's status (and shows it to the function as `scheduleStatus`):
 * never for a schedule that fires more than once a minute, else as declared, true by default
 * (TimerSchedule.Create).
 */
export function timerUsesMonitor(timer: TimerFunction, now: Date): boolean {
  const first = timer.schedule.nextAfter(now);
  const second = first && timer.schedule.nextAfter(first);
  if (second && second.getTime() < now.getTime() + 60_000) return false;
  return timer.useMonitor ?? true;
}
