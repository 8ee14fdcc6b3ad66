/**
 * Orders token issuance against revocation exactly. Every token gets a strictly increasing number and
 * a revocation records the highest number handed out so far, so a token issued in the same millisecond
 * after a revoke still validates. Numbers never go below microseconds since the epoch, which keeps them
 * increasing across restarts without writing the counter on every issuance.
 */
export class TokenSequence {
  private last: number;

  constructor(last = 0) {
    this.last = last;
  }

  next(): number {
    this.last = Math.max(this.last + 1, floorOfNow());
    return this.last;
  }

  /** The highest number any token issued up to now can carry. */
  current(): number {
    this.last = Math.max(this.last, floorOfNow());
    return this.last;
  }
}

function floorOfNow(): number {
  return Date.now() * 1000;
}
