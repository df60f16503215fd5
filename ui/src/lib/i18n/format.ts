// Dates and times the way people read them, with Intl in the user's locale.
//
// Case files hold local wall-clock values (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`)
// with no time zone: they are formatted exactly as written, as UTC values
// read back in UTC, so no zone shifts them. Instants (`last_sync_ms`) are
// shown in the device's own time zone.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

function utcDay(day: string): Date | null {
  const m = DAY.exec(day);
  if (m === null) {
    return null;
  }
  const [year, month, day_] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day_));
  // Date.UTC rolls 30 February over into March: such a day is not a day.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day_
    ? date
    : null;
}

function utcDateTime(value: string): Date | null {
  const m = DATE_TIME.exec(value);
  if (m === null) {
    return null;
  }
  const day = utcDay(`${m[1]}-${m[2]}-${m[3]}`);
  const [hours, minutes] = [Number(m[4]), Number(m[5])];
  if (day === null || hours > 23 || minutes > 59) {
    return null;
  }
  return new Date(day.getTime() + (hours * 60 + minutes) * 60_000);
}

/**
 * One formatter per locale and options, made once: building an
 * `Intl.DateTimeFormat` costs far more than using one, and a scrolling list
 * formats dates on every frame.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${options.dateStyle ?? ''}|${options.timeStyle ?? ''}|${options.timeZone ?? ''}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, found);
  }
  return found;
}

/** `2026-03-14` → `14 mars 2026` (fr) / `14 Mar 2026` (en-GB); other text as it is. */
export function formatDay(day: string, locale: string): string {
  const date = utcDay(day);
  return date === null ? day : formatter(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** `2026-03-14T09:05` → `14 mars 2026, 09:05`-like in the locale; other text as it is. */
export function formatDateTime(value: string, locale: string): string {
  const date = utcDateTime(value);
  return date === null
    ? value
    : formatter(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
}

/** The time of day of an instant, in the device's zone (or `timeZone`). */
export function formatTime(ms: number, locale: string, timeZone?: string): string {
  return formatter(locale, { timeStyle: 'short', timeZone }).format(new Date(ms));
}

/**
 * When a sync happened: the time alone when it was today, the date and time
 * otherwise. Returns which, so the caller picks the sentence.
 */
export function formatSyncMoment(
  ms: number,
  now: Date,
  locale: string,
  timeZone?: string,
): { sameDay: boolean; text: string } {
  const dayOf = (d: Date) => formatter('en-CA', { dateStyle: 'short', timeZone }).format(d);
  if (dayOf(new Date(ms)) === dayOf(now)) {
    return { sameDay: true, text: formatTime(ms, locale, timeZone) };
  }
  return {
    sameDay: false,
    text: formatter(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(ms)),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Today in the device's zone, `YYYY-MM-DD`. */
export function todayDay(now: Date): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Now in the device's zone to the minute, `YYYY-MM-DDTHH:MM` (a datetime-local value). */
export function nowLocalDateTime(now: Date): string {
  return `${todayDay(now)}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

/** Whole days from `today` to `day` (negative when past), or null for text that is not a day. */
export function daysUntil(day: string, today: string): number | null {
  const a = utcDay(today);
  const b = utcDay(day.slice(0, 10));
  if (a === null || b === null) {
    return null;
  }
  return Math.round((b.getTime() - a.getTime()) / 86_400_000);
}
