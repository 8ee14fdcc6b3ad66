/** The current time. Injected everywhere time matters, so tests move it instead of waiting for it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
