// French messages: Review, history, sign-off and comments (the lead's review screens).
// Merged into fr.ts; en.review.ts has the same keys.

export const frReview = {
  'nav.review': 'Revue',
  'history.title': 'Historique du dossier',
} as const;
