import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { parseBicep } from './support/bicepReader';
import { azdReference, parseParametersFile } from './support/appSettingRoutes';
import { infraDir } from './support/infraChecks';

const main = parseBicep(readFileSync(path.join(infraDir, 'main.bicep'), 'utf8'));
const mapped = parseParametersFile(
  readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'),
).parameters;

describe('infra/main.parameters.json', () => {
  it('maps every main.bicep param that has no default', () => {
    const required = main.params.filter((p) => !p.hasDefault).map((p) => p.name);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !(name in mapped))).toEqual([]);
  });

  it('maps nothing main.bicep does not declare', () => {
    const declared = main.params.map((p) => p.name);
    expect(Object.keys(mapped).filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('takes every value from the azd environment, in objects property by property', () => {
    for (const [name, { value }] of Object.entries(mapped)) {
      const values = typeof value === 'object' && value !== null ? Object.values(value) : [value];
      expect(values.length, name).toBeGreaterThan(0);
      for (const each of values) expect(each, name).toMatch(azdReference);
    }
  });

  it('maps the documented environment values', () => {
    const variable = (name: string) => azdReference.exec(String(mapped[name]?.value))?.[1];
    expect({
      environmentName: variable('environmentName'),
      location: variable('location'),
      principalId: variable('principalId'),
      authIssuer: variable('authIssuer'),
      authAudience: variable('authAudience'),
      tokenCacheKey: variable('tokenCacheKey'),
      acsDataLocation: variable('acsDataLocation'),
      acsKeyInUse: variable('acsKeyInUse'),
      incomingCallsEnabled: variable('incomingCallsEnabled'),
    }).toEqual({
      environmentName: 'AZURE_ENV_NAME',
      location: 'AZURE_LOCATION',
      principalId: 'AZURE_PRINCIPAL_ID',
      authIssuer: 'AUTH_ISSUER',
      authAudience: 'AUTH_AUDIENCE',
      tokenCacheKey: 'TOKEN_CACHE_KEY',
      acsDataLocation: 'ACS_DATA_LOCATION',
      acsKeyInUse: 'ACS_KEY_IN_USE',
      incomingCallsEnabled: 'INCOMING_CALLS_ENABLED',
    });
  });

  it('gives a @secure() param no default, in either file', () => {
    const secure = main.params.filter((p) => p.secure);
    expect(secure.map((p) => p.name)).toEqual(['tokenCacheKey']);
    for (const param of secure) {
      expect(param.hasDefault, param.name).toBe(false);
      expect(azdReference.exec(String(mapped[param.name]?.value))?.[2], param.name).toBeUndefined();
    }
  });

  it('uses the same fallback as main.bicep where it gives one', () => {
    for (const [name, { value }] of Object.entries(mapped)) {
      const fallback = azdReference.exec(String(value))?.[2];
      if (fallback === undefined) continue;
      const param = main.params.find((p) => p.name === name);
      // azd turns "true" and "false" into booleans for a bool param.
      expect(param?.defaultValue, name).toBe(param?.type === 'string' ? `'${fallback}'` : fallback);
    }
  });
});
