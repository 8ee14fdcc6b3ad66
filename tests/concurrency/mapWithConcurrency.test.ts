import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../shared/concurrency/mapWithConcurrency';

describe('mapWithConcurrency', () => {
  it('keeps the order of the items and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([...Array(50).keys()], 8, async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (item * 7) % 5));
      inFlight--;
      return item * 2;
    });
    expect(results).toEqual([...Array(50).keys()].map((item) => item * 2));
    expect(most).toBe(8);
  });

  it('rejects when a call fails, and handles no items', async () => {
    await expect(
      mapWithConcurrency([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('boom');
        return item;
      }),
    ).rejects.toThrow('boom');
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});
