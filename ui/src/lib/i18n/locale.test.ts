import { afterEach, describe, expect, it } from 'vitest';
import { intlLocaleFor, lang, setLang, t, tp } from './locale.svelte';

describe('the current language', () => {
  afterEach(() => setLang('fr'));

  it('is French by default and switches to English', () => {
    expect(lang()).toBe('fr');
    expect(t('nav.lock')).toBe('Verrouiller');
    setLang('en');
    expect(lang()).toBe('en');
    expect(t('nav.lock')).toBe('Lock');
  });

  it('picks plural forms by language', () => {
    expect(tp('caseload.count', 0)).toBe('0 personne');
    expect(tp('caseload.count', 3)).toBe('3 personnes');
    setLang('en');
    expect(tp('caseload.count', 0)).toBe('0 people');
    expect(tp('caseload.count', 1)).toBe('1 person');
  });

  it('fills named parameters', () => {
    expect(t('unlock.whose', { worker: 'Anne', device: 'tablette' })).toBe('Carnet de Anne, sur « tablette »');
  });
});

describe('intlLocaleFor', () => {
  it('uses the browser’s regional variant of the chosen language', () => {
    expect(intlLocaleFor('fr', ['fr-BE', 'en-US'])).toBe('fr-BE');
    expect(intlLocaleFor('en', ['fr-BE', 'en-US'])).toBe('en-US');
  });

  it('falls back to the language’s usual locale', () => {
    expect(intlLocaleFor('en', ['de-DE'])).toBe('en-GB');
    expect(intlLocaleFor('fr', [])).toBe('fr-FR');
  });
});
