import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sampleLocalSettings, settingsReference, settingsTable } from './settingsReference';

/**
 * `npm run docs:settings`: rewrites the README's settings table and local.settings.sample.json from the
 * settings schema, so a setting is described once (in shared/config/appSettingsSchema.ts).
 */
const repoRoot = resolve(__dirname, '..', '..', '..');
const settings = settingsReference();
const readmePath = resolve(repoRoot, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- settings:start -->';
const end = '<!-- settings:end -->';
const before = readme.slice(0, readme.indexOf(start) + start.length);
const after = readme.slice(readme.indexOf(end));
if (before.length <= start.length || after.length === 0)
  throw new Error(`README.md lacks ${start} ... ${end}`);
writeFileSync(readmePath, `${before}\n\n${settingsTable(settings)}\n\n${after}`);
writeFileSync(resolve(repoRoot, 'local.settings.sample.json'), sampleLocalSettings(settings));
console.log(`Wrote ${settings.length} settings to README.md and local.settings.sample.json.`);
