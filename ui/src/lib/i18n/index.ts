export { t, tp, lang, setLang, intlLocale, LANGS, type Lang, type PluralKey } from './locale.svelte';
export type { MessageKey } from './fr';
export { formatDay, formatDateTime, formatTime, formatSyncMoment, todayDay, nowLocalDateTime, daysUntil } from './format';
