import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const localSettingsFileSchema = z.object({ Values: z.record(z.string(), z.string()).default({}) }).loose();

/**
 * Settings for a local run, as Core Tools reads them: `local.settings.json` "Values", with the
 * process environment taking precedence.
 */
export function readLocalSettings(file: string, env: NodeJS.ProcessEnv): Record<string, string> {
  let values: Record<string, string> = {};
  if (existsSync(file)) {
    const parsed = localSettingsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} must be {"Values": {"SETTING": "value", ...}}.`);
    values = parsed.data.Values;
  }
  // An empty value means "not set", as in Azure app settings, so that embedded defaults apply.
  const merged = { ...values, ...env };
  return Object.fromEntries(
    Object.entries(merged).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
