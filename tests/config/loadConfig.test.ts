import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/configError';
import { loadConfig } from '../../shared/config/loadConfig';

const minimal = {
  AUTH_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
  AUTH_AUDIENCE: 'api://app',
  TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  ACS_CONNECTION_STRING: 'endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.setting);
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.auth).toMatchObject({
      subjectClaim: 'sub',
      adminRole: 'admin',
      algorithms: ['RS256'],
      clockSkewSeconds: 60,
    });
    expect(config.tokens).toMatchObject({
      defaultScopes: ['voip'],
      userAllowedScopes: ['chat', 'voip'],
      rateLimitPerMinute: 60,
      cacheKey: { kind: 'none' },
      cacheMinLifetimeMinutes: 30,
    });
    expect(config.identities.capPerSubject).toBe(10);
    expect(config.acs.connection).toMatchObject({ kind: 'connectionString', source: 'environment' });
  });

  it('names every missing required setting at once', () => {
    expect(problemsOf({}).sort()).toEqual([
      'ACS_CONNECTION_STRING',
      'AUTH_AUDIENCE',
      'AUTH_ISSUER',
      'TABLES_CONNECTION_STRING',
    ]);
    expect(problemsOf({ AUTH_ISSUER: minimal.AUTH_ISSUER, AUTH_AUDIENCE: 'x' }).sort()).toEqual([
      'ACS_CONNECTION_STRING',
      'TABLES_CONNECTION_STRING',
    ]);
  });

  it.each([
    ['AUTH_ISSUER', 'not a url'],
    ['AUTH_ALGORITHMS', 'HS256'],
    ['TOKEN_DEFAULT_SCOPES', 'voip,admin'],
    ['TOKEN_USER_ALLOWED_SCOPES', ' , '],
    ['TOKEN_RATE_LIMIT_PER_MINUTE', '0'],
    ['IDENTITY_CAP_PER_SUBJECT', '2.5'],
    ['TABLE_NAME_PREFIX', '1abc'],
    ['ACS_AUTH', 'password'],
    ['ACS_CONNECTION_STRING', 'just-a-key'],
    ['TOKEN_CACHE_KEY', 'c2hvcnQ='],
  ])('rejects %s=%s, naming it', (setting, value) => {
    expect(problemsOf({ ...minimal, [setting]: value })).toContain(setting);
  });

  it('never puts a secret value in its message', () => {
    try {
      loadConfig({ ...minimal, ACS_CONNECTION_STRING: 'accesskey-without-endpoint-s3cr3t' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('ACS_CONNECTION_STRING');
      expect((error as Error).message).not.toContain('s3cr3t');
    }
  });

  it('treats empty values as unset, as app settings often are', () => {
    expect(loadConfig({ ...minimal, TEAMS_APP_ID: '', AUTH_SUBJECT_CLAIM: '' }).auth.subjectClaim).toBe(
      'sub',
    );
  });

  it('reads secrets from Key Vault when a vault is configured, and reaches ACS by Entra ID when asked', () => {
    const { ACS_CONNECTION_STRING: _unused, ...withoutKey } = minimal;
    const vault = loadConfig({ ...withoutKey, KEY_VAULT_URL: 'https://kv.vault.azure.net' });
    expect(vault.acs.connection).toEqual({
      kind: 'connectionString',
      source: 'keyVault',
      secretName: 'acs-connection-string',
    });
    expect(vault.tokens.cacheKey).toEqual({ kind: 'keyVault', secretName: 'token-cache-key' });
    const entra = loadConfig({
      ...withoutKey,
      ACS_AUTH: 'entra',
      ACS_ENDPOINT: 'https://x.communication.azure.com',
    });
    expect(entra.acs.connection).toEqual({ kind: 'entra', endpoint: 'https://x.communication.azure.com' });
  });
});
