import { tooManyRequests } from '../errors/serviceError';
import type { Clock } from '../time/clock';

export interface HitFloodGuard {
  /** Throws 429 when the subject asked this instance for cached tokens faster than allowed. */
  take(subjectId: string): void;
}

export interface HitFloodGuardOptions {
  perMinute: number;
  clock: Clock;
  /** Subjects remembered at once; the least recently seen are forgotten first. */
  maxSubjects?: number;
}

/**
 * Bounds cache hits per subject on this instance, with a token bucket in memory. A hit costs ACS nothing, so
 * it does not spend the shared issuance budget (a storage round trip); it only must not let one client keep
 * an instance busy. Per instance by design: the bound is generous, and across instances the total is at
 * most instances x the bound, which the platform's own scale limits cap.
 */
export function createHitFloodGuard(options: HitFloodGuardOptions): HitFloodGuard {
  const capacity = options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  const maxSubjects = options.maxSubjects ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    take(subjectId) {
      const now = options.clock().getTime();
      const bucket = buckets.get(subjectId) ?? { tokens: capacity, at: now };
      buckets.delete(subjectId);
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * refillPerMs);
      bucket.at = now;
      if (bucket.tokens < 1) {
        buckets.set(subjectId, bucket);
        throw tooManyRequests(`At most ${capacity} token requests a minute may come from one subject.`, {
          retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)),
          code: 'TokenRequestFlood',
        });
      }
      bucket.tokens -= 1;
      buckets.set(subjectId, bucket);
      if (buckets.size > maxSubjects) buckets.delete(buckets.keys().next().value as string);
    },
  };
}
