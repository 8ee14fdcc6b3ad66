import type { Clock } from '../time/clock';
import type { CheckStatus, HealthProbe } from './healthCheck';

/**
 * A probe whose outcome, good or bad, is reused for a while: health is anonymous, and each call must not
 * become a request to the identity provider or to Graph. Concurrent calls share one probe in flight.
 */
export function cachedProbe(probe: HealthProbe, ttlMs: number, clock: Clock): HealthProbe {
  let last: { outcome: Promise<CheckStatus | void>; at: number } | undefined;
  return () => {
    const now = clock().getTime();
    if (!last || now - last.at >= ttlMs) last = { outcome: probe(), at: now };
    return last.outcome;
  };
}
