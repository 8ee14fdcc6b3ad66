/** Stops a scheduled step; calling it after the step ran, or twice, does nothing. */
export type CancelTimer = () => void;

/**
 * Every delay of the simulated calling plane (ringing, play length, recognize timeouts) goes through
 * here, multiplied by the time scale, so a test can run a call's minutes in milliseconds. Timers are
 * grouped per call connection so hanging up stops everything that connection still had pending.
 */
export class ScaledTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly timeScale: number) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale))
      throw new Error('timeScale must be a positive number.');
  }

  /** Runs `step` after `simulatedMs` of call time (at once for 0). */
  after(simulatedMs: number, step: () => void): CancelTimer {
    if (this.closed) return () => undefined;
    const timer = setTimeout(
      () => {
        this.pending.delete(timer);
        step();
      },
      Math.max(0, Math.round(simulatedMs * this.timeScale)),
    );
    this.pending.add(timer);
    return () => {
      clearTimeout(timer);
      this.pending.delete(timer);
    };
  }

  group(): TimerGroup {
    return new TimerGroup(this);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

/** Timers that end together: those of one call connection. */
export class TimerGroup {
  private readonly cancels = new Set<CancelTimer>();

  constructor(private readonly timers: ScaledTimers) {}

  after(simulatedMs: number, step: () => void): CancelTimer {
    const cancel = this.timers.after(simulatedMs, () => {
      this.cancels.delete(cancel);
      step();
    });
    this.cancels.add(cancel);
    return () => {
      cancel();
      this.cancels.delete(cancel);
    };
  }

  cancelAll(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }
}
