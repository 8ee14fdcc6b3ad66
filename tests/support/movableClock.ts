import type { Clock } from '../../shared/time/clock';

/** A clock a test moves forward instead of waiting: real time plus whatever the test skipped. */
export interface MovableClock {
  now: Clock;
  advance(ms: number): void;
}

export function movableClock(): MovableClock {
  let skippedMs = 0;
  return {
    now: () => new Date(Date.now() + skippedMs),
    advance: (ms) => {
      skippedMs += ms;
    },
  };
}
