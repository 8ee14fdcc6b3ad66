import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { createCorsPolicy } from '../../functions/http/corsPolicy';
import { appSettingsSchema } from '../../shared/config/appSettingsSchema';

const fromOrigin = (origin: string) =>
  new HttpRequest({
    method: 'OPTIONS',
    url: 'http://localhost/api/token',
    headers: { origin, 'access-control-request-method': 'POST' },
  });

describe('CORS in a deployment that sets nothing', () => {
  it('allows no origin at all', () => {
    const origins = appSettingsSchema.shape.CORS_ALLOWED_ORIGINS.parse(undefined);
    expect(origins).toEqual([]);
    const policy = createCorsPolicy(origins);
    const request = fromOrigin('https://any.example');
    expect(policy.preflight(request, ['POST']).headers).not.toHaveProperty('access-control-allow-origin');
    expect(policy.responseHeaders(request)).toEqual({});
  });
});
