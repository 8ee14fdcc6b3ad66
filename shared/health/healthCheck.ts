import { HealthProbeFailure } from './healthProbeFailure';

export type CheckStatus = 'up' | 'down' | 'skipped';

export interface HealthReport {
  /**
   * `unhealthy`: a required check is down (the instance cannot serve; 503 takes it out of rotation).
   * `degraded`: only an optional feature's check is down; the rest of the service works (200).
   */
  status: 'ok' | 'degraded' | 'unhealthy';
  checks: Record<string, { status: CheckStatus; detail?: string }>;
}

export type HealthProbe = () => Promise<CheckStatus | void>;

export interface HealthProbes {
  /** Without these no route works: one down makes the instance unhealthy. */
  required: Record<string, HealthProbe>;
  /**
   * Dependencies of one optional feature (Graph for Teams meetings): one down is reported, but every
   * instance would fail it alike, so taking instances out of rotation would only stop the other routes.
   */
  optional?: Record<string, HealthProbe>;
}

/**
 * Runs every probe at once with a timeout. A failing probe reports only that it is down and a short
 * reason of ours (a HealthProbeFailure's), never the error itself (it may carry a connection string or URL).
 */
export async function checkHealth(probes: HealthProbes, timeoutMs = 3_000): Promise<HealthReport> {
  const optional = probes.optional ?? {};
  const entries = await Promise.all(
    Object.entries({ ...probes.required, ...optional }).map(async ([name, probe]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const result = await Promise.race([probe(), timeout]);
        if (result === 'timeout') return [name, { status: 'down' as const, detail: 'timed out' }] as const;
        return [name, { status: result ?? ('up' as const) }] as const;
      } catch (error) {
        const detail = error instanceof HealthProbeFailure ? error.detail : 'unreachable or refused';
        return [name, { status: 'down' as const, detail }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  const down = entries.filter(([, check]) => check.status === 'down').map(([name]) => name);
  const optionalNames = new Set(Object.keys(optional));
  if (down.some((name) => !optionalNames.has(name))) return { status: 'unhealthy', checks };
  return { status: down.length > 0 ? 'degraded' : 'ok', checks };
}
