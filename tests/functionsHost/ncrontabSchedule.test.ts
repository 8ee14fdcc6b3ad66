import { describe, expect, it } from 'vitest';
import { NcrontabError, parseNcrontab } from '../../local/functionsHost/ncrontabSchedule';

/* Schedules read as the Functions host's NCrontab reads them, times in UTC. */
const next = (expression: string, after: string) =>
  parseNcrontab(expression).nextAfter(new Date(after))?.toISOString();

describe('NCRONTAB schedules', () => {
  it.each([
    ['every 5 minutes', '0 */5 * * * *', '2030-01-01T10:02:30Z', '2030-01-01T10:05:00.000Z'],
    ['strictly after an occurrence', '0 */5 * * * *', '2030-01-01T10:05:00Z', '2030-01-01T10:10:00.000Z'],
    ['milliseconds ignored', '0 */5 * * * *', '2030-01-01T10:04:59.999Z', '2030-01-01T10:05:00.000Z'],
    ['five fields: at second 0', '30 9 * * 1-5', '2030-01-04T09:30:00Z', '2030-01-07T09:30:00.000Z'],
    ['day of month and of week both', '0 0 0 13 * 5', '2030-01-01T00:00:00Z', '2030-09-13T00:00:00.000Z'],
    ['a leap day', '0 0 0 29 2 *', '2030-01-01T00:00:00Z', '2032-02-29T00:00:00.000Z'],
    ['only months that have the day', '0 0 12 31 * *', '2030-01-31T12:00:00Z', '2030-03-31T12:00:00.000Z'],
    [
      'a name prefix: the first that matches',
      '0 0 9 * * T',
      '2030-01-01T10:00:00Z',
      '2030-01-08T09:00:00.000Z',
    ],
    ['names any case, in ranges', '0 0 9 * jan-FEB sat', '2030-02-25T00:00:00Z', '2031-01-04T09:00:00.000Z'],
    ['a step from a value', '5/20 * * * * *', '2030-01-01T10:00:25Z', '2030-01-01T10:00:45.000Z'],
    ['a range written backwards', '0 0 5-3 * * *', '2030-01-01T03:30:00Z', '2030-01-01T04:00:00.000Z'],
    ['a list of steps and values', '0 0,15-20/5 8 * * *', '2030-01-01T08:10:00Z', '2030-01-01T08:15:00.000Z'],
    ['spaces repeated', ' 0  0 8 * * * ', '2030-01-01T08:10:00Z', '2030-01-02T08:00:00.000Z'],
  ])('%s: %s after %s is %s', (_what, expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('says when a schedule never occurs', () => {
    expect(next('0 0 0 30 2 *', '2030-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    ['four fields', '* * * *'],
    ['seven fields', '0 0 0 * * * *'],
    ['a second out of range', '60 * * * * *'],
    ['day of week 7 (0-6 only)', '0 0 0 * * 7'],
    ['day 0', '0 0 0 0 * *'],
    ['a name where none exist', '0 0 x * * *'],
    ['an unknown month name', '0 0 0 1 Foo *'],
    ['a trailing comma', '0 0 1, * * *'],
    ['a step that is not a number', '*/x * * * * *'],
    ['a number with letters', '0 5m * * * *'],
    ['a tab between fields', '0\t0 * * * *'],
  ])('refuses %s', (_what, expression) => {
    expect(() => parseNcrontab(expression)).toThrow(NcrontabError);
  });
});
