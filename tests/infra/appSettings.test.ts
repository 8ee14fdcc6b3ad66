import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { appSettingsSchema } from '../../shared/config/appSettingsSchema';
import { loadConfig } from '../../shared/config/loadConfig';
import { bodyOf, parseBicep, valueAt } from './support/bicepReader';
import {
  announcedSettings,
  deployedSettingNames,
  parseParametersFile,
  wiredSettingEntries,
  type DeploymentFiles,
} from './support/appSettingRoutes';
import { checkAppSettings, infraDir, platformSettings } from './support/infraChecks';

const apiText = readFileSync(path.join(infraDir, 'app', 'api.bicep'), 'utf8');
const files: DeploymentFiles = {
  main: parseBicep(readFileSync(path.join(infraDir, 'main.bicep'), 'utf8')),
  api: parseBicep(apiText),
  parameters: parseParametersFile(readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8')),
};
const names = deployedSettingNames(files);

const shape = appSettingsSchema.shape;
const schemaKeys = Object.keys(shape) as Array<keyof typeof shape>;
/** What the app reads, and what it is about to read (announcedSettings). */
const knownKeys = [...schemaKeys, ...announcedSettings];
/** Settings the app cannot start without: not optional and no default. */
const requiredKeys = schemaKeys.filter((key) => shape[key].safeParse(undefined).success === false);

describe('Function App settings (infra/app/api.bicep) against shared/config/appSettingsSchema.ts', () => {
  it('derives a non-empty set of required settings from the schema', () => {
    expect(requiredKeys.length).toBeGreaterThan(0);
    expect(requiredKeys).toContain('AUTH_ISSUER');
  });

  it('sets every required setting, and only settings of the app or the platform', () => {
    expect(checkAppSettings(names, knownKeys, requiredKeys)).toEqual({
      missing: [],
      unexpected: [],
      duplicated: [],
    });
  });

  it('sets the Azure deployment mode: Tables by endpoint, secrets from Key Vault, identity chosen', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'TABLES_ENDPOINT',
        'KEY_VAULT_URL',
        'KEY_VAULT_ACS_SECRET_NAME',
        'KEY_VAULT_CACHE_KEY_SECRET_NAME',
        'AZURE_CLIENT_ID',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ]),
    );
    // Secrets and connection strings with keys never go into app settings.
    const forbidden = [
      'ACS_CONNECTION_STRING',
      'TABLES_CONNECTION_STRING',
      'TOKEN_CACHE_KEY',
      'AzureWebJobsStorage',
    ];
    expect(names.filter((name) => forbidden.includes(name))).toEqual([]);
  });

  it('documents why each platform setting is allowed', () => {
    for (const setting of platformSettings) expect(setting.why, setting.name).not.toBe('');
  });

  it('makes loadConfig choose Key Vault for ACS and the token-cache key, and the identity for Tables', () => {
    // Stand-in values for what the deployment computes; literals in the template are used as they are.
    // The pass-through settings are left out, as they are when nobody set them.
    const samples: Record<string, string> = {
      AUTH_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
      AUTH_AUDIENCE: 'api://acs-trusted-service',
      AUTH_SUBJECT_CLAIM: 'oid',
      AUTH_ADMIN_ROLE: 'admin',
      ACS_AUTH: 'key',
      ACS_ENDPOINT: '',
      TABLES_ENDPOINT: 'https://stexample.table.core.windows.net',
      TABLE_NAME_PREFIX: 'acs',
      KEY_VAULT_URL: 'https://kv-example.vault.azure.net/',
      KEY_VAULT_ACS_SECRET_NAME: 'acs-connection-string',
      KEY_VAULT_CACHE_KEY_SECRET_NAME: 'token-cache-key',
      CALLBACK_BASE_URL: 'https://func-example.azurewebsites.net',
      CALL_AUTOMATION_AUDIENCE: '00000000-0000-0000-0000-0000000000ac',
    };
    const env: Record<string, string> = {};
    for (const { key, value } of wiredSettingEntries(files.api)) {
      const literal = /^'([^'$]*)'$/.exec(value)?.[1];
      if (literal !== undefined) env[key] = literal;
      else if (key in samples) env[key] = samples[key]!;
      else if (!(key in shape)) env[key] = 'platform-value';
      else throw new Error(`no sample value for ${key}`);
    }
    const config = loadConfig(env);
    expect(config.acs.connection).toMatchObject({ kind: 'connectionString', source: 'keyVault' });
    expect(config.tables.connection).toMatchObject({ kind: 'entra' });
    expect(config.tokens.cacheKey).toMatchObject({ kind: 'keyVault' });
    // Call Automation is on in Azure, its callbacks verified against the resource, its results sealed
    // under the vault's key.
    expect(config.callAutomation).toMatchObject({
      callbackBaseUrl: 'https://func-example.azurewebsites.net',
      callbackAudience: '00000000-0000-0000-0000-0000000000ac',
      callbackIssuer: 'https://acscallautomation.communication.azure.com',
    });
  });

  it('names the same Key Vault secrets the secrets module writes', () => {
    const { main, api } = files;
    const params = (module: string) =>
      bodyOf(
        main,
        main.modules.find((m) => m.name === module)!,
      );
    for (const name of ['acsSecretName', 'cacheKeySecretName']) {
      expect(valueAt(main, params('api'), `params.${name}`), name).toBe(
        valueAt(main, params('secrets'), `params.${name}`),
      );
    }
    const setting = (key: string) => wiredSettingEntries(api).find((p) => p.key === key)?.value;
    expect(setting('KEY_VAULT_ACS_SECRET_NAME')).toBe('acsSecretName');
    expect(setting('KEY_VAULT_CACHE_KEY_SECRET_NAME')).toBe('cacheKeySecretName');
  });

  it('the check reports a required setting that is removed, and a setting nobody reads', () => {
    const namesOf = (text: string) => deployedSettingNames({ ...files, api: parseBicep(text) });
    const withoutIssuer = apiText.replace(/^\s*AUTH_ISSUER:.*\n/m, '');
    expect(withoutIssuer).not.toBe(apiText);
    expect(checkAppSettings(namesOf(withoutIssuer), knownKeys, requiredKeys).missing).toEqual([
      'AUTH_ISSUER',
    ]);

    const withExtra = apiText.replace(/^(\s*)AUTH_ISSUER:/m, "$1AUTH_ISSUR: 'typo'\n$1AUTH_ISSUER:");
    expect(withExtra).not.toBe(apiText);
    expect(checkAppSettings(namesOf(withExtra), knownKeys, requiredKeys).unexpected).toEqual(['AUTH_ISSUR']);
  });
});
