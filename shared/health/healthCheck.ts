import { HealthProbeFailure } from './healthProbeFailure';

export type CheckStatus = 'up' | 'down' | 'skipped';

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  checks: Record<string, { status: CheckStatus; detail?: string }>;
}

export type HealthProbe = () => Promise<CheckStatus | void>;

/**
 * Runs every probe at once with a timeout. A failing probe reports only that it is down and a short
 * reason of ours (a HealthProbeFailure's), never the error itself (it may carry a connection string or URL).
 */
export async function checkHealth(
  probes: Record<string, HealthProbe>,
  timeoutMs = 3_000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
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
  const healthy = Object.values(checks).every((check) => check.status !== 'down');
  return { status: healthy ? 'ok' : 'unhealthy', checks };
}
