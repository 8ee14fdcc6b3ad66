import { describe, expect, it } from 'vitest';
import { bindHostPort } from '../../local/functionsHost/startFunctionsHost';

describe('a host port bound before the app is loaded', () => {
  it('answers 503 problem+json with Retry-After until the host takes it over, instead of leaving requests waiting', async () => {
    const bound = await bindHostPort(0);
    try {
      const response = await fetch(`http://127.0.0.1:${bound.port}/api/health`, {
        signal: AbortSignal.timeout(5_000),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ status: 503, code: 'HostStarting' });
    } finally {
      await new Promise<void>((resolve) => bound.server.close(() => resolve()));
    }
  });
});
