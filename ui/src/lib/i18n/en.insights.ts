// English messages: Conflicts, statistics, exports and retention (the lead's screens).

import type { frInsights } from './fr.insights';

export const enInsights: Readonly<Record<keyof typeof frInsights, string>> = {
  'nav.conflicts': 'Conflicts',
  'nav.stats': 'Statistics',
  'nav.retention': 'Retention',
};
