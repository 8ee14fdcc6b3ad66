import { describe, expect, it } from 'vitest';
import {
  menuDefinitionSchema,
  putPromptRequestSchema,
  recognizeRequestSchema,
} from '../../../shared/api/callAutomationSchemas';

/*
 * The words of Call Automation that people type for other people (or for ACS's speech recognition) to
 * read: a choice's label and phrases, a prompt's description, a menu choice's label. They follow the
 * human-text rules of titles and labels elsewhere: no control characters, no bidi overrides, NFC.
 */
const participantId = 'AAAAAAAAAAAAAAAAAAAAAA';
const recognize = (choice: { label: string; phrases: string[] }) =>
  recognizeRequestSchema.safeParse({ participantId, choices: [choice] });
const prompt = (description: string) =>
  putPromptRequestSchema.safeParse({ url: 'https://media.contoso.com/a.wav', description });
const menu = (label: string) =>
  menuDefinitionSchema.safeParse({
    choices: [{ key: '1', label, target: { phoneNumber: '+14255550141' } }],
  });

const unsafe = [
  ['a right-to-left override', 'yes\u202Etxt'],
  ['a newline', 'two\nlines'],
  ['a C1 control', 'x\u0085'],
  ['a first-strong isolate', 'a\u2068b\u2069'],
] as const;

describe('human-typed text in Call Automation requests', () => {
  it.each(unsafe)(
    'refuses %s in a recognize choice label, phrase, prompt description and menu label',
    (_what, text) => {
      expect(recognize({ label: text, phrases: ['yes'] }).success).toBe(false);
      expect(recognize({ label: 'yes', phrases: ['yes', text] }).success).toBe(false);
      expect(prompt(text).success).toBe(false);
      expect(menu(text).success).toBe(false);
    },
  );

  it('normalises to NFC and trims, so one word typed two ways is one word', () => {
    const composed = recognize({ label: 'Caf\u00E9', phrases: ['caf\u00E9'] });
    const decomposed = recognize({ label: ' Cafe\u0301 ', phrases: ['cafe\u0301'] });
    expect(decomposed.success && composed.success).toBe(true);
    expect(decomposed.data?.choices).toEqual(composed.data?.choices);
    expect(prompt('Cafe\u0301').data?.description).toBe('Caf\u00E9');
    expect(menu('Cafe\u0301').data?.choices[0]?.label).toBe('Caf\u00E9');
  });

  it('keeps right-to-left text with its marks', () => {
    expect(recognize({ label: '\u200Fכן', phrases: ['כן'] }).success).toBe(true);
    expect(menu('\u200Fתמיכה').success).toBe(true);
  });
});
