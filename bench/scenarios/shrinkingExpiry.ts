/**
 * Token lifetimes that no cached token can serve. A cached token is reused only if it does not
 * outlive the request (expiry <= now + expiresInMinutes); asking each user, every time, for one
 * minute less than it last asked for means a token cached by that user's previous request outlives
 * this one unless a full minute has passed. Seeding asked for 1440 (the default).
 */
export class ShrinkingExpiry {
  private readonly lastAsked = new Map<number, number>();

  constructor(private readonly seededMinutes = 1440) {}

  next(userIndex: number): number {
    const minutes = (this.lastAsked.get(userIndex) ?? this.seededMinutes) - 1;
    if (minutes < 60) throw new Error('ran out of distinct token lifetimes: use more users');
    this.lastAsked.set(userIndex, minutes);
    return minutes;
  }
}
