import type { z } from 'zod';
import { appSettingsSchema } from '../../shared/config/appSettingsSchema';

/** What `npm start` fills in when a setting is left empty (see local/startLocalStack.ts). */
const filledByNpmStart: Record<string, string> = {
  AUTH_ISSUER: 'the dev issuer, http://localhost:7071/dev',
  AUTH_AUDIENCE: 'api://acs-trusted-service-local',
  ACS_CONNECTION_STRING: 'the embedded ACS emulator',
  TABLES_CONNECTION_STRING: 'the embedded Azurite',
  TOKEN_CACHE_KEY: 'a random key kept in .data',
  CORS_ALLOWED_ORIGINS: 'the local host’s own origins',
  CALLBACK_BASE_URL: 'the local host',
  CALL_AUTOMATION_AUDIENCE: 'the ACS emulator’s resource id',
  CALL_AUTOMATION_JWKS_URL: 'the ACS emulator’s keys',
};

export interface SettingReference {
  name: string;
  /** `required`, '' for optional, or the default as a setting value. */
  default: string;
  description: string;
}

/** Every setting of the schema, with its default and description: the one source of the settings docs. */
export function settingsReference(): SettingReference[] {
  return Object.entries(appSettingsSchema.shape as Record<string, z.ZodType>).map(([name, schema]) => ({
    name,
    default: defaultOf(schema),
    description: schema.description ?? '',
  }));
}

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return 'required';
  const value: unknown = parsed.data;
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The README's settings table (between its settings markers). */
export function settingsTable(settings: readonly SettingReference[]): string {
  const rows = settings.map((setting) => [
    `\`${setting.name}\``,
    setting.default === '' ? '' : `\`${setting.default}\``,
    setting.description,
  ]);
  const header = ['setting', 'default', 'what it does'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** local.settings.sample.json: every setting with its default, and what each does. */
export function sampleLocalSettings(settings: readonly SettingReference[]): string {
  const values: Record<string, string> = { FUNCTIONS_WORKER_RUNTIME: 'node' };
  const documentation: Record<string, string> = {
    FUNCTIONS_WORKER_RUNTIME: 'Set by Azure Functions; node for this app.',
  };
  for (const setting of settings) {
    values[setting.name] = setting.default === 'required' ? '' : setting.default;
    const local = filledByNpmStart[setting.name];
    documentation[setting.name] = [
      setting.description,
      setting.default === 'required' ? 'Required.' : '',
      local ? `Left empty, npm start uses ${local}.` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
  }
  return `${JSON.stringify({ IsEncrypted: false, Values: values, Documentation: documentation }, null, 2)}\n`;
}
