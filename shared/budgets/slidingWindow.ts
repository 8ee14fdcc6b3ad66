/** A sliding-window count: this window's count and the one before, in one row. */
export interface WindowCounts {
  windowStart: number;
  count: number;
  previousCount: number;
}

export type WindowVerdict =
  { admitted: true; next: WindowCounts } | { admitted: false; retryAfterMs: number };

/**
 * The sliding-window counter: the estimate of requests in the last `windowMs` is this fixed window's count
 * plus the previous window's, weighted by how much of it the sliding window still covers. Unlike a fixed
 * window, a burst at the end of one window is still counted at the start of the next, so a subject cannot
 * get twice the limit through around a window boundary; it takes one row and no timestamps.
 *
 * What it guarantees, like a token bucket of `limit` refilled over `windowMs`: at most `limit` in a fixed
 * window, and at most `limit * (1 + L / windowMs)` in any span of L <= windowMs. So a burst followed by
 * requests as fast as admitted gets up to `2 * limit - 1` into one rolling window (it is not the exact
 * count of the last `windowMs`; that needs a timestamp per request, or per slot, in the row).
 */
export function admitOne(
  stored: WindowCounts | undefined,
  limit: number,
  windowMs: number,
  nowMs: number,
): WindowVerdict {
  const windowStart = nowMs - (nowMs % windowMs);
  let count = 0;
  let previousCount = 0;
  if (stored?.windowStart === windowStart) {
    count = stored.count;
    previousCount = stored.previousCount;
  } else if (stored?.windowStart === windowStart - windowMs) {
    previousCount = stored.count;
  }
  const elapsed = (nowMs - windowStart) / windowMs;
  if (previousCount * (1 - elapsed) + count + 1 <= limit) {
    return { admitted: true, next: { windowStart, count: count + 1, previousCount } };
  }
  return {
    admitted: false,
    retryAfterMs: waitUntilAdmitted(count, previousCount, limit, windowMs, nowMs - windowStart),
  };
}

/** How long until one more request fits: the previous window's weight fades, or the next window begins. */
function waitUntilAdmitted(
  count: number,
  previousCount: number,
  limit: number,
  windowMs: number,
  elapsedMs: number,
): number {
  if (count + 1 <= limit && previousCount > 0) {
    // previousCount * (1 - t / windowMs) + count + 1 <= limit
    const t = windowMs * (1 - (limit - 1 - count) / previousCount);
    return Math.max(1, Math.ceil(t - elapsedMs));
  }
  // In the next window this one's count becomes the weighted one.
  const t = windowMs + Math.max(0, windowMs * (1 - (limit - 1) / count));
  return Math.max(1, Math.ceil(t - elapsedMs));
}
