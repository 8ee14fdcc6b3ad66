/**
 * How each app setting of the schema reaches the deployed app: wired by the deployment in
 * infra/app/api.bicep, or passed through from the azd environment value of the same name
 * (main.parameters.json -> main.bicep -> api.bicep), or never, for secrets. The check returns the
 * problems it finds, so a test runs it on the real files and on broken copies.
 */
import { z } from 'zod';
import {
  appSettingsProperties,
  bodyOf,
  entry,
  identifierUses,
  objectKeys,
  readObject,
  unionOperands,
  type BicepFile,
  type ObjectEntry,
} from './bicepReader';

/**
 * Settings of the schema that must never be app settings: they are secrets. Each reaches the
 * deployed app another way, or is not needed there.
 */
export const secretSettings: ReadonlyArray<{ name: string; why: string }> = [
  { name: 'ACS_CONNECTION_STRING', why: 'holds the ACS key; Key Vault (KEY_VAULT_ACS_SECRET_NAME) holds it' },
  {
    name: 'TABLES_CONNECTION_STRING',
    why: 'holds a storage account key; the app reaches Tables with its identity (TABLES_ENDPOINT)',
  },
  {
    name: 'TOKEN_CACHE_KEY',
    why: 'is a key; azd passes it to Key Vault only (KEY_VAULT_CACHE_KEY_SECRET_NAME)',
  },
];

/**
 * Settings the app is being given now and the schema may not have yet, wired ahead so that adding
 * them to the schema needs nothing else. A test fails once the schema has one: then delete it here.
 */
export const announcedSettings: readonly string[] = [];

/** The object param that carries the pass-through settings, in main.bicep and in api.bicep. */
export const optionalSettingsParam = 'optionalAppSettings';

const parametersFileSchema = z.object({
  parameters: z.record(z.string(), z.object({ value: z.unknown() })),
});
export type ParametersFile = z.infer<typeof parametersFileSchema>;

export function parseParametersFile(text: string): ParametersFile {
  return parametersFileSchema.parse(JSON.parse(text));
}

/** `${NAME}` or `${NAME=default}`: an azd environment value, substituted by azd. */
export const azdReference = /^\$\{([A-Z][A-Z0-9_]*)(?:=([^}]*))?\}$/;

/** The pass-through settings of main.parameters.json: setting name -> the text azd substitutes. */
export function optionalSettingsOf(parameters: ParametersFile): Map<string, string> {
  const value = parameters.parameters[optionalSettingsParam]?.value;
  if (value === undefined) return new Map();
  const settings = z.record(z.string(), z.string()).parse(value);
  return new Map(Object.entries(settings));
}

export interface DeploymentFiles {
  main: BicepFile;
  api: BicepFile;
  parameters: ParametersFile;
}

/** The api module call in main.bicep: its params, by name. */
function apiModuleParams(main: BicepFile): ObjectEntry[] {
  const module = main.modules.find((m) => m.target === './app/api.bicep');
  if (!module) throw new Error('main.bicep does not call ./app/api.bicep');
  const params = entry(bodyOf(main, module), 'params');
  if (!params) throw new Error('the api module call passes no params');
  return readObject(main, params.valueStart);
}

const usesByFile = new WeakMap<BicepFile, Map<string, number[]>>();

/** identifierUses, remembered per file: the checks ask about the same names many times. */
function usesOf(file: BicepFile, name: string): number[] {
  let byName = usesByFile.get(file);
  if (!byName) usesByFile.set(file, (byName = new Map()));
  let found = byName.get(name);
  if (!found) byName.set(name, (found = identifierUses(file, name)));
  return found;
}

function uses(file: BicepFile, name: string, value: ObjectEntry): boolean {
  const end = value.valueStart + value.value.length;
  return usesOf(file, name).some((at) => at >= value.valueStart && at < end);
}

/** The entries of the object literals the appsettings resource merges (its deployment-wired settings). */
export function wiredSettingEntries(api: BicepFile): ObjectEntry[] {
  const properties = appSettingsProperties(api);
  if (properties.value.startsWith('{')) return readObject(api, properties.valueStart);
  const union = /^union\s*\(/.exec(properties.value);
  if (!union) throw new Error('the appsettings properties are neither an object nor a union()');
  const literals: ObjectEntry[] = [];
  let depth = 0;
  const end = properties.valueStart + properties.value.length;
  for (let i = properties.valueStart + union[0].length; i < end; i += 1) {
    const ch = api.code[i]!;
    if (ch === '{' && depth === 0) literals.push(...readObject(api, i));
    if ('([{'.includes(ch)) depth += 1;
    else if (')]}'.includes(ch)) depth -= 1;
  }
  return literals;
}

/**
 * Every app setting name the deployment writes: the wired ones and the pass-through ones, read
 * through the var that carries the pass-through settings in api.bicep.
 */
export function deployedSettingNames(files: DeploymentFiles): string[] {
  const optional = [...optionalSettingsOf(files.parameters).keys()];
  const carriers = optionalSettingCarriers(files.api);
  const properties = appSettingsProperties(files.api);
  return objectKeys(
    files.api,
    properties.valueStart,
    properties.valueStart + properties.value.length,
    (name) => (carriers.includes(name) ? optional : undefined),
  );
}

/** The vars merged into the appsettings that are computed from the pass-through param. */
function optionalSettingCarriers(api: BicepFile): string[] {
  const properties = appSettingsProperties(api);
  return unionOperands(api, properties.valueStart, properties.valueStart + properties.value.length).filter(
    (name) => {
      const variable = api.vars.find((v) => v.name === name);
      return (
        variable !== undefined &&
        usesOf(api, optionalSettingsParam).some((at) => at >= variable.start && at < variable.end)
      );
    },
  );
}

/** Checks the pass-through chain: main.parameters.json -> main.bicep -> api.bicep -> appsettings. */
function checkPassThrough(files: DeploymentFiles): string[] {
  const { main, api } = files;
  const problems: string[] = [];
  const mainParam = main.params.find((p) => p.name === optionalSettingsParam);
  if (mainParam?.type !== 'object') problems.push(`main.bicep has no object param ${optionalSettingsParam}`);
  const passed = entry(apiModuleParams(main), optionalSettingsParam);
  if (!passed || !uses(main, optionalSettingsParam, passed)) {
    problems.push(`main.bicep does not pass ${optionalSettingsParam} to the api module`);
  }
  const apiParam = api.params.find((p) => p.name === optionalSettingsParam);
  if (apiParam?.type !== 'object') problems.push(`api.bicep has no object param ${optionalSettingsParam}`);
  const carriers = optionalSettingCarriers(api);
  if (carriers.length !== 1) {
    problems.push(`api.bicep does not merge ${optionalSettingsParam} into the appsettings (through one var)`);
  } else {
    const carrier = api.vars.find((v) => v.name === carriers[0])!;
    // An empty value means unset: it must be left out, not written as an empty setting.
    if (!/!\s*empty\(/.test(carrier.value)) problems.push(`api.bicep var ${carrier.name} keeps empty values`);
  }
  return problems;
}

/**
 * Settings set from a main.bicep param that azd maps from an environment value named like a setting
 * of the schema: the value must reach that very setting (so `azd env set NAME` sets NAME). Secrets
 * are the exception: their azd value goes to Key Vault, never to a setting.
 */
function checkNamedParams(files: DeploymentFiles, schemaKeys: readonly string[]): string[] {
  const { main, api, parameters } = files;
  const problems: string[] = [];
  const apiParams = apiModuleParams(main);
  const wired = wiredSettingEntries(api);
  for (const [param, { value }] of Object.entries(parameters.parameters)) {
    const setting = azdReference.exec(typeof value === 'string' ? value : '')?.[1];
    if (setting === undefined || !schemaKeys.includes(setting)) continue;
    if (secretSettings.some((secret) => secret.name === setting)) continue;
    const apiParamNames = apiParams.filter((e) => uses(main, param, e)).map((e) => e.key);
    const reached = wired.filter((e) => apiParamNames.some((name) => uses(api, name, e))).map((e) => e.key);
    if (!reached.includes(setting)) {
      problems.push(`azd value ${setting} (param ${param}) does not reach the app setting ${setting}`);
    }
  }
  return problems;
}

/** The whole check: every setting of the schema has exactly one way in, and no secret has one. */
export function checkSettingRoutes(files: DeploymentFiles, schemaKeys: readonly string[]): string[] {
  const optional = optionalSettingsOf(files.parameters);
  const wired = wiredSettingEntries(files.api).map((e) => e.key);
  const secrets = secretSettings.map((s) => s.name);
  const problems = [...checkPassThrough(files), ...checkNamedParams(files, schemaKeys)];
  for (const [name, value] of optional) {
    if (value !== `\${${name}}`) {
      problems.push(`${optionalSettingsParam}.${name} is mapped from ${value}; map it from \${${name}}`);
    }
    if (wired.includes(name)) {
      problems.push(`${name} is wired by the deployment; remove it from ${optionalSettingsParam}`);
    }
  }
  for (const name of schemaKeys) {
    const isSecret = secrets.includes(name);
    const hasWayIn = optional.has(name) || wired.includes(name);
    if (isSecret && hasWayIn) problems.push(`${name} is a secret and must not be an app setting`);
    if (!isSecret && !hasWayIn) {
      problems.push(
        `${name} has no way in: add "${name}": "\${${name}}" to ${optionalSettingsParam} in infra/main.parameters.json`,
      );
    }
  }
  return problems;
}
