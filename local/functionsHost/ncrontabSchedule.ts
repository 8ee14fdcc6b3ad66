/**
 * A timer trigger's schedule, read as the Functions host reads it: NCRONTAB (the NCrontab library behind
 * `CronSchedule` in azure-webjobs-sdk-extensions). Six fields (second minute hour day month day-of-week),
 * or five without the seconds (then at second 0). Each field is `*`, a value, a range `a-b` (either order), a
 * step `x/n` (from x, or from the field's first value for `*`, to its last, every n), or a comma list of
 * those. Months and days of the week may be given by name or any prefix of it (`Jan`, `mon`, `T` is Tuesday,
 * the first that matches); days of the week are 0-6, Sunday 0. A time matches when every field does (day of
 * month and day of week both, unlike Vixie cron's either). Times are UTC: what Azure uses unless the app
 * sets WEBSITE_TIME_ZONE, which the local host does not read.
 */
export interface NcrontabSchedule {
  /** As written. */
  expression: string;
  /**
   * The first whole second after `after` (its milliseconds ignored) that the schedule matches; undefined
   * when none ever does (February 30th): the host then never runs it.
   */
  nextAfter(after: Date): Date | undefined;
}

type FieldName = 'Second' | 'Minute' | 'Hour' | 'Day' | 'Month' | 'DayOfWeek';

interface FieldSpec {
  name: FieldName;
  min: number;
  max: number;
  names?: readonly string[];
}

const fields: readonly FieldSpec[] = [
  { name: 'Second', min: 0, max: 59 },
  { name: 'Minute', min: 0, max: 59 },
  { name: 'Hour', min: 0, max: 23 },
  { name: 'Day', min: 1, max: 31 },
  {
    name: 'Month',
    min: 1,
    max: 12,
    names: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
  },
  {
    name: 'DayOfWeek',
    min: 0,
    max: 6,
    names: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  },
];

export class NcrontabError extends Error {}

/** The values a field allows, as a set over its range. */
type FieldValues = ReadonlySet<number>;

function parseValue(text: string, spec: FieldSpec): number {
  if (text === '') throw new NcrontabError('A crontab field value cannot be empty.');
  if (/^[0-9]/.test(text)) {
    if (!/^[0-9]+$/.test(text)) throw new NcrontabError(`'${text}' is not a number.`);
    return Number(text);
  }
  if (!spec.names) {
    throw new NcrontabError(
      `'${text}' is not a valid [${spec.name}] crontab field value. It must be a numeric value between ${spec.min} and ${spec.max} (all inclusive).`,
    );
  }
  const index = spec.names.findIndex((name) => name.toLowerCase().startsWith(text.toLowerCase()));
  if (index < 0) {
    throw new NcrontabError(
      `'${text}' is not a known value name. Use one of the following: ${spec.names.join(', ')}.`,
    );
  }
  return index + spec.min;
}

function outOfRange(value: number, spec: FieldSpec): NcrontabError {
  const side = value < spec.min ? 'lower than the minimum' : 'higher than the maximum';
  return new NcrontabError(
    `${value} is ${side} allowable value for the [${spec.name}] field. Value must be between ${spec.min} and ${spec.max} (all inclusive).`,
  );
}

/** One element of a field (no commas) into `values`. */
function addElement(text: string, spec: FieldSpec, values: Set<number>): void {
  let every = 1;
  let body = text;
  const slash = text.indexOf('/');
  if (slash > 0) {
    const step = text.slice(slash + 1);
    if (!/^\s*[+-]?[0-9]+\s*$/.test(step)) throw new NcrontabError(`'${step}' is not a step.`);
    every = Math.max(1, Number(step));
    body = text.slice(0, slash);
  }
  let start: number;
  let end: number;
  if (body === '*') {
    [start, end] = [spec.min, spec.max];
  } else {
    const dash = body.indexOf('-');
    if (dash > 0) {
      const first = parseValue(body.slice(0, dash), spec);
      const last = parseValue(body.slice(dash + 1), spec);
      [start, end] = first <= last ? [first, last] : [last, first];
    } else {
      start = parseValue(body, spec);
      end = every === 1 ? start : spec.max;
    }
  }
  for (const value of [start, end]) if (value < spec.min || value > spec.max) throw outOfRange(value, spec);
  for (let value = start; value <= end; value += every) values.add(value);
}

function parseField(text: string, spec: FieldSpec): FieldValues {
  const values = new Set<number>();
  const elements = text.indexOf(',') > 0 ? text.split(',') : [text];
  for (const element of elements) addElement(element, spec, values);
  return values;
}

/** The expression's fields as the host splits them: on spaces only, empty entries dropped. */
function tokensOf(expression: string): string[] {
  return expression.split(' ').filter((token) => token !== '');
}

/**
 * The schedule, or an NcrontabError saying why the host would not take it. Five fields mean no seconds;
 * any other count is read as six (and refused unless it is six), as the host's CronSchedule does.
 */
export function parseNcrontab(expression: string): NcrontabSchedule {
  const tokens = tokensOf(expression);
  const withSeconds = tokens.length !== 5;
  if (withSeconds && tokens.length !== 6) {
    throw new NcrontabError(
      `'${expression}' is an invalid crontab expression. It must contain 6 components of a schedule in the sequence of seconds, minutes, hours, days, months, and days of week.`,
    );
  }
  const [seconds, minutes, hours, days, months, weekdays] = (withSeconds ? tokens : ['0', ...tokens]).map(
    (token, index) => parseField(token, fields[index]!),
  ) as [FieldValues, FieldValues, FieldValues, FieldValues, FieldValues, FieldValues];
  const sorted = (values: FieldValues) => [...values].sort((a, b) => a - b);
  const timeFields = { hours: sorted(hours), minutes: sorted(minutes), seconds: sorted(seconds) };

  /** The first time of day at or after h:m:s the schedule allows, or undefined (none left that day). */
  const firstTimeFrom = (h: number, m: number, s: number): [number, number, number] | undefined => {
    for (const hour of timeFields.hours) {
      if (hour < h) continue;
      for (const minute of timeFields.minutes) {
        if (hour === h && minute < m) continue;
        for (const second of timeFields.seconds) {
          if (hour === h && minute === m && second < s) continue;
          return [hour, minute, second];
        }
      }
    }
    return undefined;
  };

  // Leap days on a given weekday come round within 28 years; past that the schedule never matches.
  const searchDays = 28 * 366 + 7;
  return {
    expression,
    nextAfter(after) {
      const from = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      const firstDay = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
      for (let offset = 0; offset <= searchDays; offset++) {
        const day = new Date(firstDay + offset * 86_400_000);
        const matchesDate =
          days.has(day.getUTCDate()) && months.has(day.getUTCMonth() + 1) && weekdays.has(day.getUTCDay());
        if (!matchesDate) continue;
        const time =
          offset === 0
            ? firstTimeFrom(from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds())
            : firstTimeFrom(0, 0, 0);
        if (time) return new Date(day.getTime() + ((time[0] * 60 + time[1]) * 60 + time[2]) * 1000);
      }
      return undefined;
    },
  };
}
