// English messages: Review, history, sign-off and comments (the lead's review screens).

import type { frReview } from './fr.review';

export const enReview: Readonly<Record<keyof typeof frReview, string>> = {
  'nav.review': 'Review',
  'history.title': 'Case file history',
};
