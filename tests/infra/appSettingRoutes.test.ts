import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { appSettingsSchema } from '../../shared/config/appSettingsSchema';
import { parseBicep } from './support/bicepReader';
import {
  announcedSettings,
  checkSettingRoutes,
  optionalSettingsOf,
  parseParametersFile,
  secretSettings,
  type DeploymentFiles,
} from './support/appSettingRoutes';
import { infraDir } from './support/infraChecks';

const text = {
  main: readFileSync(path.join(infraDir, 'main.bicep'), 'utf8'),
  api: readFileSync(path.join(infraDir, 'app', 'api.bicep'), 'utf8'),
  parameters: readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'),
};

/** The deployment files, with any of their texts changed. */
function filesWith(changed: Partial<typeof text> = {}): DeploymentFiles {
  const texts = { ...text, ...changed };
  for (const key of Object.keys(changed) as Array<keyof typeof text>) {
    expect(texts[key], `the change to ${key} changed nothing`).not.toBe(text[key]);
  }
  return {
    main: parseBicep(texts.main),
    api: parseBicep(texts.api),
    parameters: parseParametersFile(texts.parameters),
  };
}

const schemaKeys = Object.keys(appSettingsSchema.shape);

describe('every app setting of the schema has a way in (azd env set NAME, then azd provision)', () => {
  it('holds for the schema and every setting announced for it', () => {
    expect(checkSettingRoutes(filesWith(), [...schemaKeys, ...announcedSettings])).toEqual([]);
  });

  it('passes settings through under their own name, with no default of its own', () => {
    const optional = optionalSettingsOf(parseParametersFile(text.parameters));
    expect(optional.size).toBeGreaterThan(20);
    for (const [name, value] of optional) expect(value, name).toBe(`\${${name}}`);
    expect(optional.get('CORS_ALLOWED_ORIGINS')).toBe('${CORS_ALLOWED_ORIGINS}');
  });

  it('fails when the schema gains a setting nobody wired', () => {
    expect(checkSettingRoutes(filesWith(), [...schemaKeys, 'NEW_SETTING'])).toEqual([
      'NEW_SETTING has no way in: add "NEW_SETTING": "${NEW_SETTING}" to optionalAppSettings in infra/main.parameters.json',
    ]);
  });

  it('fails when a pass-through setting is dropped or mapped from another azd name', () => {
    const dropped = filesWith({ parameters: text.parameters.replace(/^\s*"CALLS_MAX_INVITEES": .*\n/m, '') });
    expect(checkSettingRoutes(dropped, schemaKeys)).toEqual([
      expect.stringMatching(/^CALLS_MAX_INVITEES has no way in/),
    ]);
    const renamed = filesWith({
      parameters: text.parameters.replace('"${CALLS_MAX_INVITEES}"', '"${MAX_INVITEES}"'),
    });
    expect(checkSettingRoutes(renamed, schemaKeys)).toEqual([
      'optionalAppSettings.CALLS_MAX_INVITEES is mapped from ${MAX_INVITEES}; map it from ${CALLS_MAX_INVITEES}',
    ]);
  });

  it('fails when the pass-through settings stop reaching the app settings', () => {
    const notMerged = filesWith({
      api: text.api.replace('union(presentOptionalAppSettings, {', 'union({'),
    });
    expect(checkSettingRoutes(notMerged, schemaKeys)).toEqual(
      expect.arrayContaining([
        'api.bicep does not merge optionalAppSettings into the appsettings (through one var)',
      ]),
    );
    const notPassed = filesWith({
      main: text.main.replace(/^\s*optionalAppSettings: optionalAppSettings\n/m, '\n'),
    });
    expect(checkSettingRoutes(notPassed, schemaKeys)).toEqual([
      'main.bicep does not pass optionalAppSettings to the api module',
    ]);
    const keepsEmpty = filesWith({
      api: text.api.replace('setting => !empty(setting.value)', 'setting => true'),
    });
    expect(checkSettingRoutes(keepsEmpty, schemaKeys)).toEqual([
      'api.bicep var presentOptionalAppSettings keeps empty values',
    ]);
  });

  it('fails when an azd value named after a setting does not reach that setting', () => {
    const swapped = filesWith({
      api: text.api.replace('AUTH_ISSUER: authIssuer', 'AUTH_ISSUER: authAudience'),
    });
    expect(checkSettingRoutes(swapped, schemaKeys)).toEqual([
      'azd value AUTH_ISSUER (param authIssuer) does not reach the app setting AUTH_ISSUER',
    ]);
  });

  it('fails when a secret becomes an app setting, or a wired setting is also passed through', () => {
    const withSecret = filesWith({
      parameters: text.parameters.replace(
        '"CALLS_MAX_INVITEES": "${CALLS_MAX_INVITEES}"',
        '"CALLS_MAX_INVITEES": "${CALLS_MAX_INVITEES}", "TOKEN_CACHE_KEY": "${TOKEN_CACHE_KEY}"',
      ),
    });
    expect(checkSettingRoutes(withSecret, schemaKeys)).toEqual([
      'TOKEN_CACHE_KEY is a secret and must not be an app setting',
    ]);
    const twice = filesWith({
      parameters: text.parameters.replace(
        '"CALLS_MAX_INVITEES": "${CALLS_MAX_INVITEES}"',
        '"CALLS_MAX_INVITEES": "${CALLS_MAX_INVITEES}", "TABLES_ENDPOINT": "${TABLES_ENDPOINT}"',
      ),
    });
    expect(checkSettingRoutes(twice, schemaKeys)).toEqual([
      'TABLES_ENDPOINT is wired by the deployment; remove it from optionalAppSettings',
    ]);
  });

  it('excludes only settings of the schema, each with its reason', () => {
    for (const { name, why } of secretSettings) {
      expect(schemaKeys, name).toContain(name);
      expect(why, name).not.toBe('');
    }
  });

  it('announces only settings the schema does not have yet (delete them here once it does)', () => {
    expect(announcedSettings.filter((name) => schemaKeys.includes(name))).toEqual([]);
  });
});
