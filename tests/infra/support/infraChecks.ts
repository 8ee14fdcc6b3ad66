/**
 * The structural checks of infra/, as functions that take file contents and return the problems
 * they find, so each can be run on the real templates and on a broken copy (to show it can fail).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bodyOf, entry, identifierUses, parseBicep, readObject, type BicepFile } from './bicepReader';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const infraDir = path.join(repoRoot, 'infra');

/** Bicep files by repository-relative POSIX path (`infra/app/api.bicep`). */
export type BicepTree = Map<string, string>;

export function readBicepTree(dir = infraDir): BicepTree {
  const tree: BicepTree = new Map();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!name.endsWith('.bicep')) continue;
    const absolute = path.join(dir, name);
    tree.set(path.relative(repoRoot, absolute).split(path.sep).join('/'), readFileSync(absolute, 'utf8'));
  }
  return tree;
}

export function parseTree(tree: BicepTree): Map<string, BicepFile> {
  return new Map([...tree].map(([file, text]) => [file, parseBicep(text)]));
}

/** The repository-relative path a module reference points to, or undefined for a registry reference. */
export function resolveModule(from: string, reference: string): string | undefined {
  if (/^(br|ts)[:/]/.test(reference)) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), reference));
}

/** Check 1: every module reference is a local file that exists. */
export function checkModulePaths(tree: BicepTree): string[] {
  const problems: string[] = [];
  for (const [file, parsed] of parseTree(tree)) {
    for (const module of parsed.modules) {
      const target = resolveModule(file, module.target);
      if (target === undefined) {
        problems.push(
          `${file}: module ${module.name} uses registry module '${module.target}'; keep modules local`,
        );
      } else if (!tree.has(target)) {
        problems.push(`${file}: module ${module.name} points to '${module.target}', which does not exist`);
      }
    }
  }
  return problems;
}

/** Check 2a: every param is used in its file, besides its declaration. */
export function checkParamsUsed(tree: BicepTree): string[] {
  const problems: string[] = [];
  for (const [file, parsed] of parseTree(tree)) {
    for (const param of parsed.params) {
      if (identifierUses(parsed, param.name, param.start, param.end).length === 0) {
        problems.push(`${file}: param ${param.name} is never used`);
      }
    }
  }
  return problems;
}

/** Check 2b: each module call passes only params the module declares, and every one without a default. */
export function checkModuleCalls(tree: BicepTree): string[] {
  const problems: string[] = [];
  const parsed = parseTree(tree);
  for (const [file, caller] of parsed) {
    for (const module of caller.modules) {
      const target = resolveModule(file, module.target);
      const callee = target === undefined ? undefined : parsed.get(target);
      if (!callee) continue; // reported by checkModulePaths
      const paramsEntry = entry(bodyOf(caller, module), 'params');
      const passed = paramsEntry?.value.startsWith('{')
        ? readObject(caller, paramsEntry.valueStart).map((e) => e.key)
        : [];
      if (paramsEntry && !paramsEntry.value.startsWith('{')) {
        problems.push(
          `${file}: module ${module.name} passes params as an expression; pass an object literal`,
        );
      }
      for (const name of passed) {
        if (!callee.params.some((p) => p.name === name)) {
          problems.push(`${file}: module ${module.name} passes '${name}', which ${target} does not declare`);
        }
      }
      for (const param of callee.params) {
        if (!param.hasDefault && !passed.includes(param.name)) {
          problems.push(
            `${file}: module ${module.name} does not pass '${param.name}', which ${target} requires`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * Outputs whose name may mention a sensitive word because they are names or endpoints that azd
 * and local debugging need, never values of a secret.
 */
export const allowedOutputNames = new Set(['AZURE_KEY_VAULT_NAME', 'AZURE_KEY_VAULT_URL']);

const sensitiveName = /key|secret|password|connectionstring|credential|token/i;
const sensitiveExpression =
  /\blist\w*\s*\(|connectionstring|secret|password|instrumentationkey|accesskey|primarykey|secondarykey/i;

/** Check 4: no output exposes a secret; no `@secure()` param is ever output. */
export function checkOutputs(tree: BicepTree): string[] {
  const problems: string[] = [];
  for (const [file, parsed] of parseTree(tree)) {
    const secureParams = parsed.params.filter((p) => p.secure).map((p) => p.name);
    for (const output of parsed.outputs) {
      const where = `${file}: output ${output.name}`;
      if (!allowedOutputNames.has(output.name) && sensitiveName.test(output.name)) {
        problems.push(`${where} has a name that suggests a secret`);
      }
      // Strings are masked in `code`, so only identifiers and calls are looked at.
      const expression = parsed.code.slice(output.valueStart, output.end);
      if (sensitiveExpression.test(expression))
        problems.push(`${where} reads a key, secret or connection string`);
      for (const name of secureParams) {
        if (identifierUses(parsed, name, -1, -1).some((at) => at >= output.start && at < output.end)) {
          problems.push(`${where} outputs the @secure() param ${name}`);
        }
      }
    }
  }
  return problems;
}

/**
 * App settings that are not the app's own (shared/config/appSettingsSchema.ts) but the platform's.
 * `AzureWebJobsStorage__` is a prefix: the host's identity-based storage connection.
 */
export const platformSettings: ReadonlyArray<{ name: string; why: string }> = [
  { name: 'AzureWebJobsStorage__', why: 'Functions host storage through the managed identity' },
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', why: 'where telemetry goes (no key with local auth off)' },
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    why: 'telemetry authenticated with the managed identity',
  },
  { name: 'AZURE_CLIENT_ID', why: 'DefaultAzureCredential picks the user-assigned identity' },
];

const isPlatformSetting = (name: string) =>
  platformSettings.some((s) => (s.name.endsWith('__') ? name.startsWith(s.name) : name === s.name));

/** Check 5: the app settings set every required setting and nothing that is neither app nor platform. */
export function checkAppSettings(
  names: readonly string[],
  schemaKeys: readonly string[],
  requiredKeys: readonly string[],
): { missing: string[]; unexpected: string[]; duplicated: string[] } {
  return {
    missing: requiredKeys.filter((key) => !names.includes(key)),
    unexpected: names.filter((name) => !schemaKeys.includes(name) && !isPlatformSetting(name)),
    duplicated: names.filter((name, index) => names.indexOf(name) !== index),
  };
}
