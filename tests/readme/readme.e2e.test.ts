import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLocalSettings, settingsReference } from '../../local/docs/settingsReference';
import { appSettingsSchema } from '../../shared/config/appSettingsSchema';
import { repoRoot, startLocalService, type LocalService } from '../support/localService';
import { readme, runWalkthrough } from './walkthroughs';

let service: LocalService;
beforeAll(async () => {
  service = await startLocalService();
});
afterAll(() => service.stop());

describe('README', () => {
  it('token walkthrough runs as printed and does what it says', async () => {
    const output = await runWalkthrough('tokens', service);
    const lines = output
      .trim()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines[0]).toMatch(/"scopes":\["voip"\]/);
    expect(lines[1]).toMatch(/"scopes":\["chat","voip"\]/);
    expect(output).toContain('"code":"IdentityNotLinked"');
    expect(output).toContain('"code":"ValidationFailed"');
    expect(output).toContain('"code":"AdminRoleRequired"');
    expect(output).toContain('"label":"support bot"');
    expect(output).toContain('"action":"token.revoked"');
    expect(lines.filter((line) => line === '204').length).toBeGreaterThanOrEqual(6);
    expect(output).toContain('{"identities":[]}');
    expect(lines.at(-2)).toMatch(/^\{"status":"ok"/);
    expect(lines.at(-1)).toBe('200');
  });

  it('calls walkthrough runs as printed and does what it says', async () => {
    const output = await runWalkthrough('calls', service);
    const lines = output
      .trim()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines[0]).toMatch(/"kind":"group".*"groupCallId":"[0-9a-f-]{36}"/);
    expect(lines[1]).toMatch(/"kind":"teams".*"teamsMeetingLink":"https:\/\/teams\.microsoft\.com/);
    const listed = JSON.parse(lines[2]!) as { calls: Array<{ kind: string }> };
    expect(listed.calls.map((call) => call.kind).sort()).toEqual(['group', 'room', 'teams']);
    expect(JSON.parse(lines[3]!)).toMatchObject({ scopes: ['voip'], call: { kind: 'group' } });
    expect(JSON.parse(lines[4]!)).toMatchObject({ scopes: ['voip.join'], call: { kind: 'room' } });
    expect(JSON.parse(lines[5]!)).toEqual({ calls: [] });
    expect(JSON.parse(lines[6]!)).toMatchObject({ status: 404 });
    expect(JSON.parse(lines[7]!)).toMatchObject({ title: 'Standup (moved)' });
    expect(lines[9]).toBe('204');
    expect(JSON.parse(lines[10]!)).toMatchObject({ status: 403 });
    expect(lines[11]).toBe('204');
    expect(JSON.parse(lines[12]!)).toMatchObject({ status: 409, code: 'CallCancelled' });
  });

  it('documents every setting the service reads', () => {
    for (const setting of Object.keys(appSettingsSchema.shape)) {
      expect(readme, `README settings table lacks ${setting}`).toMatch(
        new RegExp(`\\|\\s*\`${setting}\`\\s*\\|`),
      );
    }
    const sample = JSON.parse(readFileSync(resolve(repoRoot, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
      Documentation: Record<string, string>;
    };
    for (const setting of Object.keys(appSettingsSchema.shape)) {
      expect(sample.Values, `local.settings.sample.json lacks ${setting}`).toHaveProperty(setting);
      expect(sample.Documentation, `local.settings.sample.json does not document ${setting}`).toHaveProperty(
        setting,
      );
    }
  });

  it('has the settings table and sample that `npm run docs:settings` writes from the schema', () => {
    const block = readme.slice(
      readme.indexOf('<!-- settings:start -->'),
      readme.indexOf('<!-- settings:end -->'),
    );
    const rows = block
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows).toEqual(
      settingsReference().map((setting) => [
        `\`${setting.name}\``,
        setting.default === '' ? '' : `\`${setting.default}\``,
        setting.description,
      ]),
    );
    const sample: unknown = JSON.parse(readFileSync(resolve(repoRoot, 'local.settings.sample.json'), 'utf8'));
    expect(sample).toEqual(JSON.parse(sampleLocalSettings(settingsReference())));
  });
});
