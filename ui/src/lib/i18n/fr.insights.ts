// French messages: Conflicts, statistics, exports and retention (the lead's screens).
// Merged into fr.ts; en.insights.ts has the same keys.

export const frInsights = {
  'nav.conflicts': 'Conflits',
  'nav.stats': 'Statistiques',
  'nav.retention': 'Conservation',
} as const;
