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
    ['ACS_CONNECTION_STRING', 'endpoint=not-a-url;accesskey=c2VjcmV0'],
    ['ACS_CONNECTION_STRING', 'endpoint=https://x.communication.azure.com/;accesskey=not base64!'],
    ['TABLES_CONNECTION_STRING', 'garbage'],
    ['TABLES_CONNECTION_STRING', 'AccountName=devstoreaccount1'],
    ['TABLES_CONNECTION_STRING', 'AccountName=a;AccountKey=c2VjcmV0;TableEndpoint=ftp://x'],
    ['TABLES_CONNECTION_STRING', 'SharedAccessSignature=sv=2020&sig=abc'],
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

  it.each([
    'UseDevelopmentStorage=true',
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;',
    'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net',
    'TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=sv=2020-08-04&sig=abc',
  ])('accepts the storage connection string %s', (value) => {
    expect(loadConfig({ ...minimal, TABLES_CONNECTION_STRING: value }).tables.connection).toMatchObject({
      kind: 'connectionString',
    });
  });

  it('names a bad storage connection string without echoing its key', () => {
    expect(() =>
      loadConfig({
        ...minimal,
        TABLES_CONNECTION_STRING: 'AccountName=a;AccountKey=s3cr3t!;TableEndpoint=http://x',
      }),
    ).toThrow(/TABLES_CONNECTION_STRING: needs AccountKey/);
    try {
      loadConfig({ ...minimal, TABLES_CONNECTION_STRING: 'AccountName=a;AccountKey=s3cr3t!' });
      expect.unreachable();
    } catch (error) {
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

  describe('Call Automation', () => {
    const on = {
      ...minimal,
      CALLBACK_BASE_URL: 'https://app.example.net/',
      CALL_AUTOMATION_AUDIENCE: '00000000-0000-0000-0000-0000000000ac',
      TOKEN_CACHE_KEY: Buffer.alloc(32, 1).toString('base64'),
    };

    it('is off without CALLBACK_BASE_URL, and on with it, with the production callback issuer and keys', () => {
      expect(loadConfig(minimal).callAutomation).toBeUndefined();
      expect(loadConfig(on).callAutomation).toEqual({
        callbackBaseUrl: 'https://app.example.net',
        callbackIssuer: 'https://acscallautomation.communication.azure.com',
        callbackAudience: '00000000-0000-0000-0000-0000000000ac',
        callbackJwksUrl: 'https://acscallautomation.communication.azure.com/calling/keys',
        promptAllowedHosts: [],
        resultTtlHours: 24,
      });
      expect(loadConfig(on).roles).toEqual({ pstn: 'pstn', incomingCall: 'IncomingCall.Deliver' });
    });

    it('takes http for callbacks only to this machine', () => {
      expect(problemsOf({ ...on, CALLBACK_BASE_URL: 'http://app.example.net' })).toContain(
        'CALLBACK_BASE_URL',
      );
      expect(
        loadConfig({ ...on, CALLBACK_BASE_URL: 'http://127.0.0.1:7071' }).callAutomation?.callbackBaseUrl,
      ).toBe('http://127.0.0.1:7071');
      expect(problemsOf({ ...on, CALL_AUTOMATION_JWKS_URL: 'http://keys.example.net/keys' })).toContain(
        'CALL_AUTOMATION_JWKS_URL',
      );
    });

    it('needs the resource id as audience, and a data key to seal collected tones with', () => {
      const { CALL_AUTOMATION_AUDIENCE: _audience, TOKEN_CACHE_KEY: _key, ...bare } = on;
      expect(problemsOf(bare).sort()).toEqual(['CALL_AUTOMATION_AUDIENCE', 'TOKEN_CACHE_KEY']);
      expect(
        loadConfig({ ...bare, CALL_AUTOMATION_AUDIENCE: 'x', KEY_VAULT_URL: 'https://kv.vault.azure.net' }),
      ).toHaveProperty('callAutomation');
    });

    it('reads prompt hosts as host names only', () => {
      expect(
        loadConfig({ ...on, PROMPT_ALLOWED_HOSTS: 'Media.Contoso.com, cdn.example.net' }).callAutomation,
      ).toMatchObject({
        promptAllowedHosts: ['media.contoso.com', 'cdn.example.net'],
      });
      expect(problemsOf({ ...on, PROMPT_ALLOWED_HOSTS: 'https://media.contoso.com/' })).toContain(
        'PROMPT_ALLOWED_HOSTS',
      );
      expect(problemsOf({ ...on, CALL_RESULT_TTL_HOURS: '0' })).toContain('CALL_RESULT_TTL_HOURS');
    });
  });
});
