import type { CallAutomationContext } from './callAutomationContext';
import { isPhoneRawId } from './identifierModel';
import { results, type ResultInformation } from './resultInformation';
import type { CancelTimer, TimerGroup } from './scaledTimers';

export type RingOutcome = { answered: true } | { answered: false; result: ResultInformation };

/**
 * Rings a party and reports how it responded, after its answer delay, or after `timeoutMs` when it
 * does not answer in time. The returned function stops the ringing (the outcome then never comes).
 */
export function ring(
  ctx: CallAutomationContext,
  timers: TimerGroup,
  target: string,
  timeoutMs: number,
  onOutcome: (outcome: RingOutcome) => void,
): CancelTimer {
  const { behaviour, answerDelayMs } = ctx.parties.of(target);
  const notAnswered = () => onOutcome({ answered: false, result: results.notAnswered });
  switch (behaviour) {
    case 'noAnswer':
      return timers.after(timeoutMs, notAnswered);
    case 'answer':
      if (answerDelayMs > timeoutMs) return timers.after(timeoutMs, notAnswered);
      return timers.after(answerDelayMs, () => onOutcome({ answered: true }));
    case 'busy':
      return timers.after(Math.min(answerDelayMs, timeoutMs), () =>
        onOutcome({ answered: false, result: isPhoneRawId(target) ? results.busyPhone : results.busyUser }),
      );
    case 'reject':
      return timers.after(Math.min(answerDelayMs, timeoutMs), () =>
        onOutcome({ answered: false, result: results.declined }),
      );
  }
}
