// Small waiting assertions over Playwright locators (playwright-core has no
// `expect`), the accessibility scan with axe-core, the touch-target check,
// and the frame of a story test: its steps, and the errors its pages raise.
// Every failure says which screen, what was expected and what the page shows.

import { AssertionError } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axe = require('axe-core');

export const TIMEOUT_MS = 10_000;

/** What the page shows now, for failure messages. */
export async function pageState(page) {
  try {
    return await page.evaluate(() => {
      const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
      const alerts = [...document.querySelectorAll('[role="alert"]')].map(text).filter(Boolean);
      const statuses = [...document.querySelectorAll('[role="status"]')].map(text).filter(Boolean);
      return {
        address: location.hash || location.pathname,
        heading: text(document.querySelector('h1')),
        alerts,
        statuses,
      };
    });
  } catch (e) {
    return { unavailable: String(e) };
  }
}

function describe(state) {
  if (state.unavailable) return `(page state unavailable: ${state.unavailable})`;
  const parts = [`address ${state.address}`, `heading "${state.heading}"`];
  if (state.alerts.length) parts.push(`alerts ${JSON.stringify(state.alerts)}`);
  if (state.statuses.length) parts.push(`statuses ${JSON.stringify(state.statuses)}`);
  return parts.join(', ');
}

/** Fails with the screen's state: `what` is the expectation in words. */
export async function fail(page, what, seen) {
  const state = await pageState(page);
  throw new AssertionError({
    message: `${what}\n  seen: ${seen ?? 'not found'}\n  page: ${describe(state)}`,
  });
}

/** Waits until `locator` is visible; fails with `what`. */
export async function see(page, locator, what, timeout = TIMEOUT_MS) {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (e) {
    const count = await locator.count().catch(() => 0);
    const seen = count > 1 ? `${count} matching elements (expected one)` : count === 1 ? 'present but hidden' : 'not found';
    await fail(page, `Expected to see ${what}`, `${seen} after ${timeout} ms`);
  }
  return locator;
}

/** Waits until `locator` is gone or hidden; fails with `what`. */
export async function gone(page, locator, what, timeout = TIMEOUT_MS) {
  try {
    await locator.waitFor({ state: 'hidden', timeout });
  } catch {
    const texts = await locator.allTextContents().catch(() => []);
    await fail(page, `Expected ${what} to be gone`, `still there after ${timeout} ms: ${JSON.stringify(texts)}`);
  }
}

/** Polls `read()` until `test(value)` holds; fails with the last value. */
export async function until(page, read, test, what, timeout = TIMEOUT_MS) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await read();
      if (test(last)) return last;
    } catch (e) {
      last = `(error: ${e.message.split('\n')[0]})`;
    }
    if (Date.now() > end) {
      await fail(page, `Expected ${what}`, JSON.stringify(last));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The visible, whitespace-collapsed text of a locator. */
export async function textOf(locator) {
  return ((await locator.innerText()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Where the page loads axe-core from (answered by `serveAxe`, never by Carnet). */
const AXE_PATH = '/__carnet_browser_tests__/axe.js';

/**
 * Answers `AXE_PATH` with axe.source in this browser context. Carnet's page
 * has a Content-Security-Policy with `script-src 'self'`, which blocks an
 * inline `addScriptTag({ content: axe.source })`; served from the page's own
 * origin, the same source loads with the policy left in force.
 */
export async function serveAxe(context) {
  await context.route(`**${AXE_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: axe.source }),
  );
}

/**
 * Runs axe-core on the page as it is now and returns its serious and
 * critical violations, each tagged with `screen`. Needs `serveAxe(context)`.
 */
export async function axeScan(page, screen) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object' && typeof window.axe.run === 'function');
  if (!loaded) {
    await page.addScriptTag({ url: AXE_PATH });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        impact: n.impact,
        target: n.target.join(' '),
        html: n.html.slice(0, 200),
        summary: n.failureSummary,
      })),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ screen, ...v }));
}

/** axe findings as readable lines. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${n.target}\n        ${n.html}\n        ${(n.summary ?? '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${v.screen}] ${v.impact}: ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/** Touch targets smaller than `min` × `min` CSS pixels among `locator`'s matches. */
export async function smallTargets(locator, min = 44) {
  const small = [];
  const count = await locator.count();
  for (let i = 0; i < count; i += 1) {
    const el = locator.nth(i);
    const box = await el.boundingBox();
    const name = ((await el.getAttribute('aria-label')) ?? (await el.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    if (box === null) {
      small.push({ name, size: 'not rendered' });
    } else if (box.width < min || box.height < min) {
      small.push({ name, size: `${Math.round(box.width)}×${Math.round(box.height)}` });
    }
  }
  return { count, small };
}

/** The Chromium the tests drive: $CHROMIUM, or the system's (Playwright's own download is not used). */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Records uncaught errors of `page`, and anything its Content-Security-Policy
 * blocks, into `errors` (each prefixed with `who` when given). Call before
 * the first navigation.
 */
export async function watchErrors(page, errors, who = '') {
  const prefix = who ? `[${who}] ` : '';
  page.on('pageerror', (e) => errors.push(`${prefix}${e.message}`));
  await page.exposeBinding('__carnetCspViolation', (_source, what) => errors.push(`${prefix}CSP blocked ${what}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__carnetCspViolation(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
}

/**
 * axe-core scans gathered over a story: `scan(page, screen)` records the
 * serious and critical violations of one screen; `report(st)` fails `st`
 * with all of them (and fails when nothing was scanned).
 */
export function accessibilityLog() {
  const violations = [];
  const scanned = [];
  return {
    scanned,
    violations,
    async scan(page, screen) {
      violations.push(...(await axeScan(page, screen)));
      scanned.push(screen);
    },
    report(st) {
      if (scanned.length === 0) throw new AssertionError({ message: 'Expected at least one screen scanned by axe-core' });
      st.diagnostic(`screens scanned: ${scanned.join(' | ')}`);
      if (violations.length > 0) {
        const report = formatViolations(violations);
        console.log(`axe-core: serious or critical violations\n${report}`);
        throw new Error(`axe-core found ${violations.length} serious or critical violation(s):\n${report}`);
      }
    },
  };
}

/**
 * Runs the steps of one story as subtests of `t`, in order. Once a step
 * fails, the story steps after it are skipped (they would only fail for the
 * same reason) while steps marked `always` (the summary checks) still run;
 * a full-page screenshot of each page in `pages()` is saved and its path
 * printed.
 */
export function storySteps(t, pages) {
  let broken = null;
  return async function step(name, fn, { always = false } = {}) {
    await t.test(name, async (st) => {
      if (broken && !always) {
        st.skip(`not run: the step "${broken}" failed`);
        return;
      }
      try {
        await fn(st);
      } catch (e) {
        broken ??= name;
        const dir = mkdtempSync(join(tmpdir(), 'carnet-shot-'));
        for (const [who, page] of Object.entries(pages())) {
          const shot = join(dir, `${who}.png`);
          if (await page.screenshot({ path: shot, fullPage: true }).then(() => true, () => false)) {
            st.diagnostic(`screenshot of ${who}: ${shot}`);
          }
        }
        throw e;
      }
    });
  };
}
