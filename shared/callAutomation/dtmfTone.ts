import type { DtmfTone } from '@azure/communication-call-automation';
import { z } from 'zod';

/** Keys as people write them; ACS names them as words (`one`, `pound`, `asterisk`). */
export const dtmfKeys = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
  'A',
  'B',
  'C',
  'D',
] as const;
export type DtmfKey = (typeof dtmfKeys)[number];

const words: Record<DtmfKey, string> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  '*': 'asterisk',
  '#': 'pound',
  A: 'a',
  B: 'b',
  C: 'c',
  D: 'd',
};
const keysByWord = new Map<string, DtmfKey>(
  Object.entries(words).map(([key, word]) => [word, key as DtmfKey]),
);

export const dtmfKeySchema = z.enum(dtmfKeys);

export function toneOf(key: DtmfKey): DtmfTone {
  return words[key] as DtmfTone;
}

/** A tone ACS reported, as a key; undefined for a word ACS does not document. */
export function keyOf(tone: string): DtmfKey | undefined {
  return keysByWord.get(tone.toLowerCase());
}
