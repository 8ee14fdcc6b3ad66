import { z } from 'zod';
import { ConfigError } from '../shared/config/configError';

/** What `npm start` itself reads, beside the app's settings: checked first, so a bad value is named. */
const localRunSettingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(7071),
  LOCAL_IN_MEMORY: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((value) => value === '1' || value === 'true'),
  LOCAL_DATA_DIR: z.string().min(1).default('.data'),
});

export type LocalRunSettings = z.output<typeof localRunSettingsSchema>;

export function readLocalRunSettings(settings: Record<string, string>): LocalRunSettings {
  const parsed = localRunSettingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({ setting: String(issue.path[0]), message: issue.message })),
  );
}
