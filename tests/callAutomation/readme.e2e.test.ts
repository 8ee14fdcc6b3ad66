import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { freePort } from '../../local/freePort';
import { runWalkthrough } from '../readme/walkthroughs';
import { startLocalService, type LocalService } from '../support/localService';

/*
 * The README's Call Automation walkthrough, run as printed against the service in its own process, with
 * the settings `npm start` gives it (callbacks to the local host, verified against the emulator's keys) and
 * the one the README asks the reader to set (PROMPT_ALLOWED_HOSTS).
 */
let emulator: AcsEmulator;
let service: LocalService;

beforeAll(async () => {
  emulator = await startAcsEmulator({ timeScale: 0.05 });
  const port = await freePort();
  service = await startLocalService({
    PORT: String(port),
    ACS_CONNECTION_STRING: emulator.connectionString(),
    CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    CALL_AUTOMATION_AUDIENCE: emulator.resourceId,
    CALL_AUTOMATION_JWKS_URL: emulator.callbackJwksUrl,
    PROMPT_ALLOWED_HOSTS: 'media.contoso.com',
  });
});
afterAll(async () => {
  await service?.stop();
  await emulator?.close();
});

describe('README', () => {
  it('Call Automation walkthrough runs as printed and does what it says', async () => {
    const output = await runWalkthrough('call automation', service, { EMULATOR_URL: emulator.url });
    const lines = output
      .trim()
      .split('\n')
      .filter((line) => line !== '');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      promptId: 'welcome',
      url: 'https://media.contoso.com/welcome.wav',
    });
    expect(lines[1]).toBe('201');
    expect(JSON.parse(lines[2]!)).toMatchObject({ kind: 'addParticipant', status: 'pending' });
    expect(JSON.parse(lines[3]!)).toMatchObject({ kind: 'play', status: 'pending' });
    expect(JSON.parse(lines[4]!)).toMatchObject({
      tones: ['one', 'two', 'pound'],
      heardBy: [expect.any(String)],
    });
    expect(JSON.parse(lines[5]!)).toMatchObject({
      kind: 'recognize',
      status: 'succeeded',
      result: { tones: ['1', '2'] },
      resultInformation: { subCode: 8514 },
    });
    expect(JSON.parse(lines[6]!)).toMatchObject({ status: 400, code: 'ValidationFailed' });
    expect(JSON.parse(lines[7]!)).toMatchObject({ status: 403, code: 'PstnRoleRequired' });
    expect(lines[8]).toBe('204');
    expect(JSON.parse(lines[9]!)).toMatchObject({
      phoneNumbers: [expect.objectContaining({ phoneNumber: '+14255550100', hasMenu: false })],
    });
    expect(lines[10]).toBe('200');
    expect(lines[11]).toBe('"validated":true');
    expect(JSON.parse(lines[12]!)).toMatchObject({ tones: ['two'], heardBy: [expect.any(String)] });
    const participants = (JSON.parse(lines[13]!) as Array<{ rawId: string }>).map((p) => p.rawId).sort();
    expect(participants).toEqual(['4:+14255550142', '4:+14255550177']);
    expect(lines).toHaveLength(14);
  });
});
