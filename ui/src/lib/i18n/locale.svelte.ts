// The language the UI speaks, chosen by the user and kept in localStorage.
// `t` reads it from reactive state, so every message re-renders when the
// language changes.

import { en } from './en';
import { fr, type Catalogue, type MessageKey } from './fr';
import { interpolate, pluralForm, type Params } from './translate';

/** The UI languages. */
export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Where the choice is kept. */
export const LANG_STORAGE_KEY = 'carnet.lang';

export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { fr, en };

/** Keys `K` that have both `K.one` and `K.other`. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;
}[MessageKey];

function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(LANG_STORAGE_KEY);
    return isLang(value) ? value : 'fr';
  } catch {
    return 'fr';
  }
}

/**
 * The Intl locale for dates and numbers: the browser's own when it speaks the
 * chosen language (fr-BE, en-US…), otherwise the language's usual one.
 */
export function intlLocaleFor(lang: Lang, preferred: readonly string[]): string {
  const match = preferred.find((tag) => tag.toLowerCase().split('-')[0] === lang);
  if (match !== undefined) {
    try {
      return Intl.getCanonicalLocales(match)[0] ?? lang;
    } catch {
      // An invalid tag from the browser: fall through to the default.
    }
  }
  return lang === 'fr' ? 'fr-FR' : 'en-GB';
}

function browserLanguages(): readonly string[] {
  return globalThis.navigator?.languages ?? [];
}

const current = $state({ lang: storedLang() });

/** The language in use. */
export function lang(): Lang {
  return current.lang;
}

/** The Intl locale in use. */
export function intlLocale(): string {
  return intlLocaleFor(current.lang, browserLanguages());
}

/** Switches language and remembers the choice. */
export function setLang(next: Lang): void {
  current.lang = next;
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, next);
  } catch {
    // Not kept across restarts; the switch still applies now.
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = next;
  }
}

/** A message in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return interpolate(CATALOGUES[current.lang][key], params, intlLocale());
}

/** A message with a `{count}`, in the plural form the count needs. */
export function tp(key: PluralKey, count: number, params?: Params): string {
  const form = pluralForm(count, intlLocale());
  return t(`${key}.${form}` as MessageKey, { ...params, count });
}
