import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../shared/health/healthCheck';
import { HealthProbeFailure } from '../../shared/health/healthProbeFailure';

const up = async () => undefined;
const down = async () => {
  throw new HealthProbeFailure('configured but not authorized');
};

describe('checkHealth', () => {
  it('is ok when every check is up or skipped', async () => {
    expect(await checkHealth({ required: { storage: up, secrets: async () => 'skipped' } })).toEqual({
      status: 'ok',
      checks: { storage: { status: 'up' }, secrets: { status: 'skipped' } },
    });
  });

  it('is degraded, naming the check, when only an optional feature is down', async () => {
    expect(await checkHealth({ required: { storage: up, acs: up }, optional: { graph: down } })).toEqual({
      status: 'degraded',
      checks: {
        storage: { status: 'up' },
        acs: { status: 'up' },
        graph: { status: 'down', detail: 'configured but not authorized' },
      },
    });
  });

  it('is unhealthy when a required check is down, whatever the optional ones say', async () => {
    const report = await checkHealth({ required: { storage: up, acs: down }, optional: { graph: down } });
    expect(report.status).toBe('unhealthy');
    expect(report.checks.acs).toEqual({ status: 'down', detail: 'configured but not authorized' });
    expect((await checkHealth({ required: { acs: down }, optional: { graph: up } })).status).toBe(
      'unhealthy',
    );
  });
});
