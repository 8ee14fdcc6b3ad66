/** Waits. Injected next to the clock, so a test's backoff costs it no wall time. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));
