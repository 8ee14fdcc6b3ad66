import { element } from './element';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

function spanOf(milliseconds: number): string {
  const minutes = Math.round(Math.abs(milliseconds) / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/**
 * A time as people read it (with the day when it is not today) in a <time> that keeps the exact instant;
 * `relative` adds how far it is: "(in 60 min)".
 */
export function timeElement(iso: string, options: { relative?: boolean } = {}): HTMLTimeElement {
  const instant = new Date(iso);
  const now = new Date();
  const text = (instant.toDateString() === now.toDateString() ? clock : dayAndClock).format(instant);
  const away = instant.getTime() - now.getTime();
  const relative = away >= 0 ? `in ${spanOf(away)}` : `${spanOf(away)} ago`;
  return element('time', { datetime: iso }, options.relative ? `${text} (${relative})` : text);
}
