import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { interpolate, placeholders, pluralForm } from './translate';

const catalogues = { fr, en } as const;
const frKeys = Object.keys(fr).sort();

describe('catalogues', () => {
  it('have exactly the same keys in French and English', () => {
    expect(Object.keys(en).sort()).toEqual(frKeys);
  });

  it.each(Object.entries(catalogues))('%s has no empty or blank message', (_, catalogue) => {
    const blank = Object.entries(catalogue).filter(([, message]) => message.trim() === '');
    expect(blank).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    const differing = frKeys.filter(
      (key) =>
        JSON.stringify(placeholders(fr[key as keyof typeof fr])) !==
        JSON.stringify(placeholders(en[key as keyof typeof en])),
    );
    expect(differing).toEqual([]);
  });

  it('give every plural message both forms, the plural one with {count}', () => {
    // A plural message is a `.one` key; its `.other` partner must exist. (A
    // lone `.other`, like `agency.other`, is an ordinary message.)
    const ones = frKeys.filter((k) => k.endsWith('.one'));
    expect(ones.length).toBeGreaterThan(3);
    for (const one of ones) {
      const other = `${one.slice(0, -'.one'.length)}.other`;
      expect(frKeys, one).toContain(other);
      // The singular may spell the number out ("la visite archivée").
      expect(placeholders(fr[other as keyof typeof fr]), other).toContain('count');
      expect(placeholders(en[other as keyof typeof en]), other).toContain('count');
    }
  });

  it('have no unbalanced braces that would show to users', () => {
    for (const [lang, catalogue] of Object.entries(catalogues)) {
      for (const [key, message] of Object.entries(catalogue)) {
        const opens = (message.match(/\{/g) ?? []).length;
        const closes = (message.match(/\}/g) ?? []).length;
        expect(opens, `${lang} ${key}`).toBe(closes);
      }
    }
  });
});

describe('interpolate', () => {
  it('fills placeholders and writes numbers the locale’s way', () => {
    expect(interpolate('{count} personnes à {place}', { count: 10000, place: 'Murat' }, 'fr-FR')).toBe(
      '10\u202f000 personnes à Murat',
    );
    expect(interpolate('{count} people', { count: 10000 }, 'en-GB')).toBe('10,000 people');
  });

  it('leaves a placeholder without a value visible', () => {
    expect(interpolate('Hello {name}', {}, 'en-GB')).toBe('Hello {name}');
  });

  it('returns the message untouched without params', () => {
    expect(interpolate('{x}', undefined, 'fr-FR')).toBe('{x}');
  });
});

describe('pluralForm', () => {
  it('follows each language’s rule for zero and one', () => {
    expect(pluralForm(0, 'fr-FR')).toBe('one');
    expect(pluralForm(1, 'fr-FR')).toBe('one');
    expect(pluralForm(2, 'fr-FR')).toBe('other');
    expect(pluralForm(0, 'en-GB')).toBe('other');
    expect(pluralForm(1, 'en-GB')).toBe('one');
    expect(pluralForm(1_000_000, 'fr-FR')).toBe('other');
  });
});
