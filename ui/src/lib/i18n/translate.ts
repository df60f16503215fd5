// Message interpolation and plural choice, with no state: the current
// language lives in locale.svelte.ts.

/** Values put into a message's `{placeholders}`. */
export type Params = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{([a-zA-Z0-9_]+)\}/g;

/** The placeholder names of a message, sorted, each once. */
export function placeholders(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(PLACEHOLDER)) {
    if (match[1] !== undefined) {
      names.add(match[1]);
    }
  }
  return [...names].sort();
}

/**
 * Fills `{name}` placeholders. Numbers are written the locale's way
 * (`1 234` in French). A placeholder with no value is left as it is, so a
 * missing parameter shows instead of vanishing.
 */
export function interpolate(message: string, params: Params | undefined, locale: string): string {
  if (params === undefined) {
    return message;
  }
  return message.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) {
      return whole;
    }
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

/** `one` or `other`: the two plural forms the catalogues hold. */
export function pluralForm(count: number, locale: string): 'one' | 'other' {
  return new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
}
