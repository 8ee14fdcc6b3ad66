import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import {
  allowedValues,
  bodyOf,
  parseBicep,
  resourcesOfType,
  valueAt,
  type BicepFile,
} from './support/bicepReader';
import { parseParametersFile, type ParametersFile } from './support/appSettingRoutes';
import { infraDir, repoRoot } from './support/infraChecks';

const text = {
  main: readFileSync(path.join(infraDir, 'main.bicep'), 'utf8'),
  secrets: readFileSync(path.join(infraDir, 'app', 'secrets.bicep'), 'utf8'),
  parameters: readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'),
};
const keys = ['primary', 'secondary'];

/** The connection string property the ACS secret takes for each key in use, from `k == 'x' ? A : B`. */
function secretSourceByKey(secrets: BicepFile): Record<string, string> {
  const acsSecret = resourcesOfType(secrets, 'Microsoft.KeyVault/vaults/secrets').find(
    (r) => valueAt(secrets, bodyOf(secrets, r), 'name') === 'acsSecretName',
  );
  if (!acsSecret) return {};
  const value = valueAt(secrets, bodyOf(secrets, acsSecret), 'properties.value') ?? '';
  const choice = /^acsKeyInUse == '(\w+)' \? (\S+) : (\S+)$/.exec(value);
  const property = (expression: string) =>
    /^communication\.listKeys\(\)\.(\w+)$/.exec(expression)?.[1] ?? expression;
  return Object.fromEntries(
    keys.map((key) => [key, property(choice ? (key === choice[1] ? choice[2]! : choice[3]!) : value)]),
  );
}

/** Problems in the wiring of ACS_KEY_IN_USE from the azd environment to the Key Vault secret. */
function checkKeyInUse(main: BicepFile, secrets: BicepFile, parameters: ParametersFile): string[] {
  const problems: string[] = [];
  const mainParam = main.params.find((p) => p.name === 'acsKeyInUse');
  const secretsParam = secrets.params.find((p) => p.name === 'acsKeyInUse');
  for (const [file, found] of [
    ['main.bicep', mainParam],
    ['secrets.bicep', secretsParam],
  ] as const) {
    if (JSON.stringify(found && allowedValues(found)) !== JSON.stringify(keys)) {
      problems.push(`${file}: acsKeyInUse must allow exactly ${keys.join(' and ')}`);
    }
    if (found?.defaultValue !== "'primary'") problems.push(`${file}: acsKeyInUse must default to primary`);
  }
  if (parameters.parameters.acsKeyInUse?.value !== '${ACS_KEY_IN_USE=primary}') {
    problems.push('main.parameters.json must map acsKeyInUse from ${ACS_KEY_IN_USE=primary}');
  }
  const module = main.modules.find((m) => m.target === './app/secrets.bicep');
  if (!module || valueAt(main, bodyOf(main, module), 'params.acsKeyInUse') !== 'acsKeyInUse') {
    problems.push('main.bicep must pass acsKeyInUse to the secrets module');
  }
  const sources = secretSourceByKey(secrets);
  for (const key of keys) {
    if (sources[key] !== `${key}ConnectionString`) {
      problems.push(`with acsKeyInUse=${key} the secret holds ${sources[key]}, not ${key}ConnectionString`);
    }
  }
  return problems;
}

function check(changed: Partial<typeof text> = {}): string[] {
  const texts = { ...text, ...changed };
  return checkKeyInUse(
    parseBicep(texts.main),
    parseBicep(texts.secrets),
    parseParametersFile(texts.parameters),
  );
}

describe('ACS key rotation: the vault holds the key the azd value ACS_KEY_IN_USE names', () => {
  it('is wired from the azd environment to the Key Vault secret', () => {
    expect(check()).toEqual([]);
  });

  it('reports a secret that ignores the setting, or takes the wrong key', () => {
    const primaryOnly = text.secrets.replace(
      /value: acsKeyInUse == .*\n/,
      'value: communication.listKeys().primaryConnectionString\n',
    );
    expect(check({ secrets: primaryOnly })).toEqual([
      'with acsKeyInUse=secondary the secret holds primaryConnectionString, not secondaryConnectionString',
    ]);
    const swapped = text.secrets.replace("acsKeyInUse == 'secondary'", "acsKeyInUse == 'primary'");
    expect(check({ secrets: swapped })).toEqual([
      'with acsKeyInUse=primary the secret holds secondaryConnectionString, not primaryConnectionString',
      'with acsKeyInUse=secondary the secret holds primaryConnectionString, not secondaryConnectionString',
    ]);
  });

  it('reports a setting that does not reach the secrets module', () => {
    const notPassed = text.main.replace(/^\s*acsKeyInUse: acsKeyInUse\n/m, '\n');
    expect(check({ main: notPassed })).toEqual(['main.bicep must pass acsKeyInUse to the secrets module']);
    const unmapped = text.parameters.replace('${ACS_KEY_IN_USE=primary}', '${ACS_KEY=primary}');
    expect(check({ parameters: unmapped })).toEqual([
      'main.parameters.json must map acsKeyInUse from ${ACS_KEY_IN_USE=primary}',
    ]);
  });

  it('is written down once, in infra/README.md, switching before it regenerates', () => {
    const infraReadme = readFileSync(path.join(infraDir, 'README.md'), 'utf8');
    const section = /^## Rotating the ACS access key\n([\s\S]*?)(?=^## )/m.exec(infraReadme)?.[1] ?? '';
    // Each step is looked for after the one before it: switch, provision, wait, regenerate the other.
    let from = 0;
    for (const step of [
      'azd env set ACS_KEY_IN_USE secondary',
      'azd provision',
      'SECRET_CACHE_TTL_SECONDS',
    ]) {
      const at = section.indexOf(step, from);
      expect(at, step).toBeGreaterThanOrEqual(0);
      from = at + step.length;
    }
    expect(section.indexOf('--key-type primary', from)).toBeGreaterThan(from);
    // The main README points to it and holds no second procedure.
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('(infra/README.md#rotating-the-acs-access-key)');
    expect(readme).not.toMatch(/regenerate-key|--key-type|ACS_KEY_IN_USE/);
  });
});
