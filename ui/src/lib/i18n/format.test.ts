import { describe, expect, it } from 'vitest';
import { daysUntil, formatDateTime, formatDay, formatSyncMoment, formatTime, nowLocalDateTime, todayDay } from './format';

describe('formatDay', () => {
  it('writes a stored day in the locale, with no time-zone shift', () => {
    expect(formatDay('2026-03-14', 'fr-FR')).toBe('14 mars 2026');
    expect(formatDay('2026-03-14', 'en-GB')).toBe('14 Mar 2026');
    expect(formatDay('2026-01-01', 'fr-FR')).toBe('1 janv. 2026');
  });

  it('shows text that is not a day as it is', () => {
    expect(formatDay('bientôt', 'fr-FR')).toBe('bientôt');
    expect(formatDay('2026-02-30', 'fr-FR')).toBe('2026-02-30');
  });
});

describe('formatDateTime', () => {
  it('keeps the wall-clock time written in the case file', () => {
    const fr = formatDateTime('2026-11-27T09:05', 'fr-FR');
    expect(fr).toContain('27 nov. 2026');
    expect(fr).toContain('09:05');
    const en = formatDateTime('2026-11-27T21:05', 'en-GB');
    expect(en).toContain('27 Nov 2026');
    expect(en).toContain('21:05');
  });

  it('accepts a space instead of T and leaves other text alone', () => {
    expect(formatDateTime('2026-11-27 09:05', 'fr-FR')).toContain('09:05');
    expect(formatDateTime('n/a', 'fr-FR')).toBe('n/a');
    expect(formatDateTime('2026-11-27T25:00', 'fr-FR')).toBe('2026-11-27T25:00');
  });
});

describe('instants', () => {
  const ms = Date.UTC(2026, 10, 27, 14, 30);

  it('formats a time of day in a given zone', () => {
    expect(formatTime(ms, 'fr-FR', 'UTC')).toBe('14:30');
    expect(formatTime(ms, 'fr-FR', 'Europe/Paris')).toBe('15:30');
  });

  it('says only the time for today, the date too otherwise', () => {
    const sameDay = formatSyncMoment(ms, new Date(Date.UTC(2026, 10, 27, 20, 0)), 'fr-FR', 'UTC');
    expect(sameDay).toEqual({ sameDay: true, text: '14:30' });
    const later = formatSyncMoment(ms, new Date(Date.UTC(2026, 10, 29, 8, 0)), 'fr-FR', 'UTC');
    expect(later.sameDay).toBe(false);
    expect(later.text).toContain('27 nov. 2026');
  });
});

describe('local dates for inputs', () => {
  it('builds YYYY-MM-DD and YYYY-MM-DDTHH:MM from local parts', () => {
    const d = new Date(2026, 0, 5, 7, 3);
    expect(todayDay(d)).toBe('2026-01-05');
    expect(nowLocalDateTime(d)).toBe('2026-01-05T07:03');
  });

  it('counts whole days between days, across months and years', () => {
    expect(daysUntil('2026-12-02', '2026-11-29')).toBe(3);
    expect(daysUntil('2026-11-27', '2026-11-29')).toBe(-2);
    expect(daysUntil('2027-01-01', '2026-12-31')).toBe(1);
    expect(daysUntil('2026-03-30', '2026-03-28')).toBe(2);
    expect(daysUntil('2026-11-29T10:00', '2026-11-29')).toBe(0);
    expect(daysUntil('soon', '2026-11-29')).toBeNull();
  });
});
