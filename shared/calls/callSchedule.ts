import { badRequest, type FieldProblem } from '../errors/serviceError';

export interface CallLimits {
  maxInvitees: number;
  maxDurationHours: number;
  maxDaysAhead: number;
}

export interface Schedule {
  startsAt?: string | undefined;
  endsAt?: string | undefined;
}

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;
/** A call may be recorded a little after it began (a client late to write it down), not long after. */
export const maxStartInPastMs = dayMs;

/** UTC ISO 8601, so that stored times compare and sort as text. */
export function normalizedTime(value: string): string {
  return new Date(value).toISOString();
}

/**
 * The rules for a call's times, checked on the schedule a request would leave behind:
 * - `endsAt` needs `startsAt`, and comes after it, at most CALLS_MAX_DURATION_HOURS later;
 * - a `startsAt` being set lies between 24 hours ago and CALLS_MAX_DAYS_AHEAD ahead;
 * - when either time changes, the `endsAt` left behind lies in the future (a call that is over
 *   cannot be scheduled, and an ACS Room cannot be valid only in the past).
 * Times a request does not touch are not held to "now": an ongoing call can still be renamed.
 */
export function assertValidSchedule(
  schedule: Schedule,
  changed: { startsAt: boolean; endsAt: boolean },
  now: Date,
  limits: Pick<CallLimits, 'maxDurationHours' | 'maxDaysAhead'>,
): void {
  const problems: FieldProblem[] = [];
  const startsAt = schedule.startsAt === undefined ? undefined : Date.parse(schedule.startsAt);
  const endsAt = schedule.endsAt === undefined ? undefined : Date.parse(schedule.endsAt);
  if (endsAt !== undefined && startsAt === undefined) {
    problems.push({ path: '/startsAt', message: 'is required when endsAt is given' });
  }
  if (startsAt !== undefined && endsAt !== undefined) {
    if (endsAt <= startsAt) problems.push({ path: '/endsAt', message: 'must be after startsAt' });
    else if (endsAt - startsAt > limits.maxDurationHours * hourMs) {
      problems.push({
        path: '/endsAt',
        message: `must be at most ${limits.maxDurationHours} hours after startsAt`,
      });
    }
  }
  if (changed.startsAt && startsAt !== undefined) {
    if (startsAt < now.getTime() - maxStartInPastMs) {
      problems.push({ path: '/startsAt', message: 'must not be more than 24 hours in the past' });
    } else if (startsAt > now.getTime() + limits.maxDaysAhead * dayMs) {
      problems.push({ path: '/startsAt', message: `must be at most ${limits.maxDaysAhead} days ahead` });
    }
  }
  if ((changed.startsAt || changed.endsAt) && endsAt !== undefined && endsAt <= now.getTime()) {
    problems.push({ path: '/endsAt', message: 'must be in the future' });
  }
  if (problems.length > 0)
    throw badRequest("The call's times are not valid.", { code: 'ValidationFailed', errors: problems });
}

/**
 * The window of the ACS Room behind a call: from `startsAt` (or now) to `endsAt` (or a day later),
 * never starting in the past, which ACS has no use for.
 */
export function roomWindow(schedule: Schedule, now: Date): { validFrom: Date; validUntil: Date } {
  const from = schedule.startsAt ? new Date(schedule.startsAt) : now;
  const validUntil = schedule.endsAt ? new Date(schedule.endsAt) : new Date(from.getTime() + dayMs);
  const validFrom = from.getTime() < now.getTime() ? now : from;
  return { validFrom, validUntil };
}
