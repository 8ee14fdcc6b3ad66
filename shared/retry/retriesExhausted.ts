/** A transient failure that retrying did not overcome; says how long the caller should wait. */
export class RetriesExhausted extends Error {
  constructor(
    readonly lastError: unknown,
    readonly retryAfterSeconds: number,
  ) {
    super('A dependency kept failing after every retry.');
    this.name = 'RetriesExhausted';
  }
}
