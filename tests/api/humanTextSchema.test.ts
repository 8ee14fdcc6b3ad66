import { describe, expect, it } from 'vitest';
import { humanTextSchema } from '../../shared/api/humanTextSchema';

const label = humanTextSchema({ min: 1, max: 10 });

describe('human-typed text', () => {
  it.each([
    ['a NUL', 'a\u0000b'],
    ['a bell', 'ring\u0007'],
    ['a newline', 'two\nlines'],
    ['DEL', 'x\u007F'],
    ['a C1 control (NEL)', 'x\u0085'],
    ['a right-to-left override', 'abc\u202Etxt'],
    ['a left-to-right embedding', '\u202Aabc'],
    ['a first-strong isolate', 'a\u2068b\u2069'],
  ])('rejects %s', (_what, text) => {
    expect(label.safeParse(text).success).toBe(false);
  });

  it('normalises to NFC, so two spellings of one text are one text', () => {
    const composed = label.parse('Caf\u00E9');
    const decomposed = label.parse('Cafe\u0301');
    expect(decomposed).toBe(composed);
    expect(decomposed).toHaveLength(4);
  });

  it('keeps right-to-left text and its marks, and trims', () => {
    expect(label.parse('  \u200Fשלום ')).toBe('\u200Fשלום');
  });

  it('counts length after normalising', () => {
    expect(label.safeParse('e\u0301'.repeat(10)).success).toBe(true);
    expect(label.safeParse('e'.repeat(11)).success).toBe(false);
  });
});
