// Hash routes: `#/`, `#/due`, `#/settings`, `#/person/new`, `#/case/<id>`,
// `#/case/<id>/edit`, `#/case/<id>/visit/new`, `#/case/<id>/visit/<visit>`,
// `#/case/<id>/procedure/new`, `#/case/<id>/procedure/<procedure>`,
// `#/case/<id>/task/new`, `#/case/<id>/task/<task>`; the lead's screens:
// `#/review`, `#/conflicts`, `#/stats`, `#/retention`, `#/case/<id>/history`
// and `#/case/<id>/history/<change hash>`.

export type Route =
  | { name: 'caseload' }
  | { name: 'due' }
  | { name: 'settings' }
  | { name: 'person-new' }
  | { name: 'case'; id: string }
  | { name: 'person-edit'; id: string }
  | { name: 'visit-new'; id: string }
  | { name: 'visit'; id: string; visit: string }
  | { name: 'procedure-new'; id: string }
  | { name: 'procedure'; id: string; procedure: string }
  | { name: 'task-new'; id: string }
  | { name: 'task'; id: string; task: string }
  | { name: 'review' }
  | { name: 'conflicts' }
  | { name: 'stats' }
  | { name: 'retention' }
  | { name: 'history'; id: string; change?: string }
  | { name: 'not-found' };

const ID = /^[0-9a-fA-F-]{1,64}$/;
const HASH = /^[0-9a-f]{64}$/;

/** The route a location hash names. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+|\/+$/g, '');
  const parts = path === '' ? [] : path.split('/').map((p) => decodeURIComponent(p));
  const [a, b, c, d, ...rest] = parts;
  if (rest.length > 0) {
    return { name: 'not-found' };
  }
  if (a === undefined) {
    return { name: 'caseload' };
  }
  if (b === undefined) {
    if (a === 'due') return { name: 'due' };
    if (a === 'settings') return { name: 'settings' };
    if (a === 'review') return { name: 'review' };
    if (a === 'conflicts') return { name: 'conflicts' };
    if (a === 'stats') return { name: 'stats' };
    if (a === 'retention') return { name: 'retention' };
    return { name: 'not-found' };
  }
  if (a === 'person' && b === 'new' && c === undefined) {
    return { name: 'person-new' };
  }
  if (a !== 'case' || !ID.test(b)) {
    return { name: 'not-found' };
  }
  const id = b;
  if (c === undefined) return { name: 'case', id };
  if (c === 'edit' && d === undefined) return { name: 'person-edit', id };
  if (c === 'history') {
    if (d === undefined) return { name: 'history', id };
    return HASH.test(d) ? { name: 'history', id, change: d } : { name: 'not-found' };
  }
  if (d === undefined) return { name: 'not-found' };
  if (c === 'visit') return d === 'new' ? { name: 'visit-new', id } : ID.test(d) ? { name: 'visit', id, visit: d } : { name: 'not-found' };
  if (c === 'procedure')
    return d === 'new'
      ? { name: 'procedure-new', id }
      : ID.test(d)
        ? { name: 'procedure', id, procedure: d }
        : { name: 'not-found' };
  if (c === 'task')
    return d === 'new' ? { name: 'task-new', id } : ID.test(d) ? { name: 'task', id, task: d } : { name: 'not-found' };
  return { name: 'not-found' };
}

/** The hash of a route (`#/case/<id>`…). */
export function routeHash(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'caseload':
    case 'not-found':
      return '#/';
    case 'due':
      return '#/due';
    case 'settings':
      return '#/settings';
    case 'review':
      return '#/review';
    case 'conflicts':
      return '#/conflicts';
    case 'stats':
      return '#/stats';
    case 'retention':
      return '#/retention';
    case 'history':
      return route.change ? `#/case/${e(route.id)}/history/${e(route.change)}` : `#/case/${e(route.id)}/history`;
    case 'person-new':
      return '#/person/new';
    case 'case':
      return `#/case/${e(route.id)}`;
    case 'person-edit':
      return `#/case/${e(route.id)}/edit`;
    case 'visit-new':
      return `#/case/${e(route.id)}/visit/new`;
    case 'visit':
      return `#/case/${e(route.id)}/visit/${e(route.visit)}`;
    case 'procedure-new':
      return `#/case/${e(route.id)}/procedure/new`;
    case 'procedure':
      return `#/case/${e(route.id)}/procedure/${e(route.procedure)}`;
    case 'task-new':
      return `#/case/${e(route.id)}/task/new`;
    case 'task':
      return `#/case/${e(route.id)}/task/${e(route.task)}`;
  }
}

/** Goes to a route; `replace` keeps the browser history from growing. */
export function navigate(route: Route, replace = false): void {
  const hash = routeHash(route);
  if (replace) {
    history.replaceState(history.state, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}
