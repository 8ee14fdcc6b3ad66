const minuteMs = 60_000;
/** The shortest lifetime ACS issues. */
const minimumMinutes = 60;

/**
 * Token lifetimes that no cached token can serve. A cached token is reused only if it does not
 * outlive the request (its expiry <= now + expiresInMinutes), so each request asks for at least a
 * minute less than the lifetime left on the newest token that user was given (seeded, or issued by
 * the last miss), however long ago that was. Expiries are tracked from this side, from what each user
 * was given, because autocannon does not hand bodies back.
 */
export class ShrinkingExpiry {
  private readonly latestExpiry = new Map<number, number>();

  /** `seededExpiries[i]`: when the token the i-th user got at seeding expires (epoch ms). */
  constructor(private readonly seededExpiries: readonly number[]) {}

  next(userIndex: number): number {
    const now = Date.now();
    const expiry = this.latestExpiry.get(userIndex) ?? this.seededExpiries[userIndex] ?? now;
    const minutes = Math.floor((expiry - now) / minuteMs) - 1;
    if (minutes < minimumMinutes) throw new Error('ran out of token lifetimes no cached token can serve');
    // The token issued for this request expires a little after this (it is issued a moment later).
    this.latestExpiry.set(userIndex, now + minutes * minuteMs);
    return minutes;
  }
}
