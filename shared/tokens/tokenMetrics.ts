/** What this instance's token path did since it started: an operator reads the cache hit ratio here. */
export interface TokenCounts {
  /** Tokens served from the cache. */
  cacheHits: number;
  /** Requests the cache could not answer. */
  cacheMisses: number;
  /** Tokens ACS issued (including a new identity's first token). */
  acsIssued: number;
  /** Requests refused by the per-subject issuance budget. */
  throttled: number;
  /** Cache hits refused by the per-instance flood guard. */
  floodRefused: number;
}

export interface TokenMetrics {
  count(what: keyof TokenCounts): void;
  snapshot(): TokenCounts & { since: string };
}

/** Counters in memory: per instance, reset on restart; no storage round trip on the hot path. */
export function createTokenMetrics(startedAt: Date): TokenMetrics {
  const counts: TokenCounts = { cacheHits: 0, cacheMisses: 0, acsIssued: 0, throttled: 0, floodRefused: 0 };
  return {
    count(what) {
      counts[what] += 1;
    },
    snapshot: () => ({ ...counts, since: startedAt.toISOString() }),
  };
}
