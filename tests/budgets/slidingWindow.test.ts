import { describe, expect, it } from 'vitest';
import { admitOne, type WindowCounts } from '../../shared/budgets/slidingWindow';

const minute = 60_000;
const limit = 10;

/** Sends `count` requests at `atMs`, keeping the row as the budget does; returns how many got through. */
function burst(row: { counts?: WindowCounts }, count: number, atMs: number): number {
  let admitted = 0;
  for (let i = 0; i < count; i++) {
    const verdict = admitOne(row.counts, limit, minute, atMs);
    if (verdict.admitted) {
      row.counts = verdict.next;
      admitted++;
    }
  }
  return admitted;
}

describe('the sliding window', () => {
  it('does not let twice the limit through around a window boundary', () => {
    const row: { counts?: WindowCounts } = {};
    const boundary = 100 * minute;
    expect(burst(row, 20, boundary - 1_000)).toBe(limit);
    // A fixed window would admit 10 more here; the sliding one still counts the burst a second ago.
    expect(burst(row, 20, boundary + 1_000)).toBe(0);
  });

  it('over any minute admits about the limit: at most limit + 1 for any start of the minute', () => {
    const row: { counts?: WindowCounts } = {};
    const admittedAt: number[] = [];
    for (let t = 0; t < 10 * minute; t += 500) {
      if (burst(row, 1, t) === 1) admittedAt.push(t);
    }
    for (let start = 0; start < 9 * minute; start += 500) {
      const inMinute = admittedAt.filter((t) => t >= start && t < start + minute).length;
      expect(inMinute).toBeLessThanOrEqual(limit + 1);
    }
    // And it does not starve a steady client: close to the limit per minute in the long run.
    expect(admittedAt.length).toBeGreaterThanOrEqual(9 * limit);
  });

  it('tells how long to wait, and after that wait one more request fits', () => {
    for (const offset of [0, 5_000, 30_000, 59_000]) {
      const row: { counts?: WindowCounts } = {};
      const start = 50 * minute + offset;
      burst(row, limit, start);
      const verdict = admitOne(row.counts, limit, minute, start + 10);
      expect(verdict.admitted).toBe(false);
      if (verdict.admitted) return;
      const retryAt = start + 10 + verdict.retryAfterMs;
      expect(admitOne(row.counts, limit, minute, retryAt - 50).admitted).toBe(false);
      expect(admitOne(row.counts, limit, minute, retryAt).admitted).toBe(true);
    }
  });

  it('forgets everything two windows back', () => {
    const row: { counts?: WindowCounts } = {};
    burst(row, limit, 0);
    expect(burst(row, limit, 2 * minute + 1)).toBe(limit);
  });
});
