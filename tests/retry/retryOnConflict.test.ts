import { describe, expect, it } from 'vitest';
import { conflicted, retryOnConflict } from '../../shared/retry/retryOnConflict';

/** Options whose sleep records the waits instead of waiting. */
function recording(maxAttempts: number) {
  const waits: number[] = [];
  return {
    waits,
    options: {
      maxAttempts,
      backoff: { baseMs: 10, maxMs: 40, random: () => 0.5 },
      sleep: async (ms: number) => {
        waits.push(ms);
      },
      exhausted: () => new Error('too busy'),
    },
  };
}

describe('retryOnConflict', () => {
  it('tries again after a lost race, with the backoff between tries, until an attempt wins', async () => {
    const { waits, options } = recording(10);
    const seen: number[] = [];
    const result = await retryOnConflict(async (index) => {
      seen.push(index);
      return index < 3 ? conflicted : `won on ${index}`;
    }, options);
    expect(result).toBe('won on 3');
    expect(seen).toEqual([0, 1, 2, 3]);
    // 10, 20, 40 nominal (capped at 40), each three quarters of it with random() = 0.5.
    expect(waits).toEqual([7.5, 15, 30]);
  });

  it('gives up after maxAttempts with the exhausted error, without a last wait for nothing', async () => {
    const { waits, options } = recording(4);
    let attempts = 0;
    await expect(
      retryOnConflict(async () => {
        attempts++;
        return conflicted;
      }, options),
    ).rejects.toThrow('too busy');
    expect(attempts).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('does not retry what an attempt throws, and returns an undefined result as a result', async () => {
    const { waits, options } = recording(5);
    let attempts = 0;
    await expect(
      retryOnConflict(async () => {
        attempts++;
        throw new Error('not found');
      }, options),
    ).rejects.toThrow('not found');
    expect(attempts).toBe(1);
    expect(await retryOnConflict(async () => undefined, options)).toBeUndefined();
    expect(waits).toEqual([]);
  });
});
