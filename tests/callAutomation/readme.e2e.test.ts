import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWalkthrough } from '../readme/walkthroughs';
import { startLocalService, type LocalService } from '../support/localService';

/*
 * The README's Call Automation walkthrough, run as printed against what `npm start` runs (the embedded ACS
 * emulator, Call Automation pointed at it, Event Grid subscribed), with the one setting the README asks the
 * reader to add (PROMPT_ALLOWED_HOSTS); the script finds the service and its emulator itself.
 */
let service: LocalService;

beforeAll(async () => {
  service = await startLocalService({ PROMPT_ALLOWED_HOSTS: 'media.contoso.com' });
});
afterAll(() => service?.stop());

describe('README', () => {
  it('Call Automation walkthrough runs as printed and does what it says', async () => {
    const output = await runWalkthrough('call automation', service);
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
