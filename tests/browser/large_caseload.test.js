// A large caseload in the browser: a notebook filled with `carnet demo`
// (CARNET_CASELOAD people, 1,000 by default; 10,000 for the full check, see
// README.md), opened in Chromium through the real `carnet-serve`. The list
// is virtualised and paged from the backend: the first rows show, the page
// holds a bounded number of rows however far it is scrolled, scrolling to
// the end reaches the last person, and a search finds one known person.
// The time to the first rows and the frame timing while scrolling are
// printed (they are measures, not assertions: this machine's speed varies).

import { after, test } from 'node:test';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

import { carnetCli, startCarnet, tempDir } from './carnet.js';
import { accessibilityLog, CHROMIUM, fail, see, serveAxe, storySteps, textOf, TIMEOUT_MS, until, watchErrors } from './check.js';
import { h1, lockedScreen, nav, openScreen, unlock } from './screens.js';

const PEOPLE = Number.parseInt(process.env.CARNET_CASELOAD ?? '1000', 10);
/** A notebook kept between runs: filled when missing, reused as it is otherwise. */
const KEPT_DIR = process.env.CARNET_CASELOAD_DIR ? resolve(process.env.CARNET_CASELOAD_DIR) : null;
const SEED = '1';
const WORKER = 'Camille Martin';
const PASSPHRASE = 'lanterne verte 47';
const TABLET = { width: 800, height: 1280 };
/** The most rows the page may hold at once, whatever the caseload. */
const MAX_ROWS = 100;

let tmp = null;
let carnet = null;
let browser = null;
after(async () => {
  await browser?.close().catch(() => {});
  await carnet?.stop();
  tmp?.remove();
});

/** `text` matched literally inside a regular expression. */
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Milliseconds since `start`, rounded, for the report. */
const since = (start) => Math.round(performance.now() - start);

/** Median, 95th percentile and worst of a list of frame times, in ms. */
function frameStats(deltas) {
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const r = (x) => Math.round(x * 10) / 10;
  return { frames: sorted.length, median: r(at(0.5)), p95: r(at(0.95)), worst: r(at(1)), over50ms: sorted.filter((d) => d > 50).length };
}

test(`Une file active de ${PEOPLE} personnes reste fluide`, { timeout: 900_000 }, async (t) => {
  if (!(PEOPLE > 0)) throw new Error(`CARNET_CASELOAD must be a number of people, not ${process.env.CARNET_CASELOAD}`);
  const measures = {};

  let dir = KEPT_DIR;
  if (dir === null) {
    tmp = tempDir('carnet-caseload-');
    dir = join(tmp.path, 'notebook');
  }
  const cli = carnetCli(dir, PASSPHRASE);
  if (!existsSync(dir)) {
    const start = performance.now();
    await cli.run('init', '--worker', WORKER, '--device-name', 'Tablette de Camille');
    await cli.run('demo', '--people', String(PEOPLE), '--seed', SEED);
    measures.fill_ms = since(start);
    t.diagnostic(`filled ${PEOPLE} people with carnet demo in ${(measures.fill_ms / 1000).toFixed(1)} s`);
  } else {
    t.diagnostic(`reusing the notebook in ${dir}`);
  }
  // What the list must show, as the command line reads the same index.
  const at = async (offset) => (await cli.run('person', 'list', '--limit', '1', '--offset', String(offset)))[0];
  const first = await at(0);
  const last = await at(PEOPLE - 1);
  const known = await at(Math.floor(PEOPLE * 0.73));
  if (!first || !last || !known) throw new Error(`the notebook in ${dir} holds fewer than ${PEOPLE} people: remove it to fill it again`);

  carnet = await startCarnet({ dir });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const context = await browser.newContext({ viewport: TABLET, locale: 'fr-FR' });
  await serveAxe(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const pageErrors = [];
  await watchErrors(page, pageErrors);
  const a11y = accessibilityLog();
  const step = storySteps(t, () => ({ page }));

  const list = page.getByRole('list', { name: 'Liste des personnes' });
  const rows = list.getByRole('listitem');
  const count = page.getByRole('main').getByRole('status');
  const rowOf = (person) => list.getByRole('link', { name: new RegExp(`^${literal(person.name)}`) });

  /** Fails unless the page holds fewer than MAX_ROWS rows. */
  async function bounded(where) {
    const n = await rows.count();
    if (n === 0 || n >= MAX_ROWS) await fail(page, `Expected between 1 and ${MAX_ROWS - 1} rows in the page ${where}`, `${n} rows`);
    return n;
  }

  await step('les premières lignes apparaissent', async (st) => {
    await lockedScreen(page, carnet.url);
    const start = performance.now();
    await unlock(page, PASSPHRASE, 60_000);
    await see(page, rowOf(first).first(), `the first person, ${first.name}, at the top of the list`, 30_000);
    measures.unlock_to_first_rows_ms = since(start);
    const people = `${new Intl.NumberFormat('fr-FR').format(PEOPLE).replace(/\s/g, ' ')} personnes`;
    await until(page, () => textOf(count), (v) => v === people, `the count "${people}"`, 30_000);
    const firstRow = await textOf(rows.first());
    if (!firstRow.startsWith(first.name)) await fail(page, `Expected ${first.name} in the first row`, firstRow);

    // Coming back to the list from another screen, as a worker does all day.
    await openScreen(page, 'Réglages');
    const again = performance.now();
    await nav(page).getByRole('link', { name: 'Personnes', exact: true }).click();
    await see(page, rowOf(first).first(), `${first.name} once back on the list`, 30_000);
    measures.open_list_to_first_rows_ms = since(again);
    measures.rows_in_page_at_top = await bounded('at the top of the list');
    await a11y.scan(page, `Personnes suivies (${PEOPLE})`);
    st.diagnostic(
      `first rows: ${measures.unlock_to_first_rows_ms} ms after unlocking, ${measures.open_list_to_first_rows_ms} ms after opening the list; ` +
        `${measures.rows_in_page_at_top} rows in the page`,
    );
  });

  await step('défiler : un nombre borné de lignes, et les images par seconde', async (st) => {
    // Scrolls the list's own scroller one step per frame, as a finger does,
    // and records each frame's time, the rows in the page and whether rows
    // were still waiting for their page.
    const scroll = (pixelsPerFrame, frames) =>
      page.evaluate(
        async ({ pixelsPerFrame, frames, label }) => {
          const ul = document.querySelector(`ul[aria-label="${label}"]`);
          let scroller = ul.parentElement;
          while (scroller && !(scroller.scrollHeight > scroller.clientHeight && /auto|scroll/.test(getComputedStyle(scroller).overflowY))) {
            scroller = scroller.parentElement;
          }
          const longTasks = [];
          const observer = new PerformanceObserver((entries) => longTasks.push(...entries.getEntries().map((e) => e.duration)));
          observer.observe({ type: 'longtask' });
          const deltas = [];
          let maxRows = 0;
          let waitingFrames = 0;
          await new Promise((done) => {
            let last = 0;
            let n = 0;
            const frame = (now) => {
              if (last > 0) deltas.push(now - last);
              last = now;
              const list = document.querySelector(`ul[aria-label="${label}"]`);
              maxRows = Math.max(maxRows, list.children.length);
              if (list.textContent.includes('Chargement de la ligne')) waitingFrames += 1;
              if (n >= frames || scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) {
                done();
                return;
              }
              n += 1;
              scroller.scrollTop += pixelsPerFrame;
              requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
          });
          await new Promise((r) => setTimeout(r, 100));
          observer.disconnect();
          return { deltas, maxRows, waitingFrames, scrollTop: Math.round(scroller.scrollTop), longTasks };
        },
        { pixelsPerFrame, frames, label: 'Liste des personnes' },
      );

    // About 1,800, 9,000 and 72,000 px a second at 60 frames a second:
    // reading down the list, a fast flick, and dragging the scroll bar.
    for (const [name, pixelsPerFrame, frames] of [
      ['reading', 30, 120],
      ['flick', 150, 120],
      ['scroll bar', 1200, 120],
    ]) {
      const run = await scroll(pixelsPerFrame, frames);
      const stats = frameStats(run.deltas);
      const key = `scroll_${name.replace(' ', '_')}`;
      measures[key] = {
        px_per_frame: pixelsPerFrame,
        ...stats,
        frames_with_rows_loading: run.waitingFrames,
        long_tasks: run.longTasks.length,
        longest_task_ms: Math.round(Math.max(0, ...run.longTasks)),
        max_rows_in_page: run.maxRows,
        reached_px: run.scrollTop,
      };
      st.diagnostic(`scroll (${name}, ${pixelsPerFrame} px a frame): ${JSON.stringify(measures[key])}`);
      if (run.maxRows >= MAX_ROWS) {
        await fail(page, `Expected fewer than ${MAX_ROWS} rows in the page while scrolling (${name})`, `${run.maxRows} rows`);
      }
    }
    await bounded('after scrolling');
  });

  await step(`défiler jusqu’au bout : la ${PEOPLE}e personne`, async (st) => {
    const start = performance.now();
    await list.evaluate((ul) => {
      let scroller = ul.parentElement;
      while (scroller && !(scroller.scrollHeight > scroller.clientHeight && /auto|scroll/.test(getComputedStyle(scroller).overflowY))) {
        scroller = scroller.parentElement;
      }
      scroller.scrollTop = scroller.scrollHeight;
    });
    const lastRow = list.locator(`li[aria-posinset="${PEOPLE}"]`);
    await see(page, lastRow, `the row at position ${PEOPLE} (aria-posinset) at the end of the list`);
    await until(page, () => textOf(lastRow), (v) => v.startsWith(last.name), `the last person, ${last.name}, in the last row`);
    measures.jump_to_end_ms = since(start);
    await see(page, rowOf(last).last(), `${last.name} as a link at the end of the list`);
    const lastInPage = await textOf(rows.last());
    if (!lastInPage.startsWith(last.name)) await fail(page, `Expected ${last.name} as the last row in the page`, lastInPage);
    measures.rows_in_page_at_end = await bounded('at the end of the list');
    await a11y.scan(page, `Personnes suivies (${PEOPLE}, fin de la liste)`);
    st.diagnostic(`end of the list shown ${measures.jump_to_end_ms} ms after the jump; ${measures.rows_in_page_at_end} rows in the page`);
  });

  await step('ouvrir la dernière personne puis revenir : la liste est au même endroit', async () => {
    await rowOf(last).last().click();
    await see(page, h1(page, last.name), `the case file of ${last.name}`);
    await openScreen(page, 'Personnes');
    const lastRow = list.locator(`li[aria-posinset="${PEOPLE}"]`);
    await see(page, lastRow, `the end of the list again (row ${PEOPLE}) once back from the case file`);
    await until(page, () => textOf(lastRow), (v) => v.startsWith(last.name), `${last.name} in the last row again`);
    await bounded('back at the end of the list');
  });

  await step(`rechercher une personne connue : ${known.name}, ${known.commune}`, async (st) => {
    const search = page.getByRole('searchbox', { name: 'Rechercher une personne' });
    const query = `${known.name} ${known.commune}`;
    const start = performance.now();
    await search.fill(query);
    const row = list.getByRole('link', { name: new RegExp(`^${literal(known.name)}\\s+${literal(known.commune)}`) });
    await see(page, row.first(), `${known.name} (${known.commune}) found by the search "${query}"`);
    measures.search_ms = since(start);
    const found = await until(page, () => textOf(count), (v) => /^[\d ]+ personnes?$/.test(v), 'the count of people found');
    const n = Number.parseInt(found.replace(/ /g, ''), 10);
    if (!(n >= 1 && n < PEOPLE)) await fail(page, `Expected the search "${query}" to narrow the list`, found);
    measures.search_found = n;
    await bounded('after the search');
    await a11y.scan(page, `Personnes suivies (${PEOPLE}, recherche)`);
    st.diagnostic(`search "${query}": ${found} in ${measures.search_ms} ms (typing pause included)`);

    // Opening the row reaches the right case file.
    await row.first().click();
    await see(page, h1(page, known.name), `the case file of ${known.name}`);
    await see(page, page.getByRole('region', { name: 'La personne' }).getByText(known.commune, { exact: true }), `${known.commune} in the case file`);
  });

  await step('mesures', async () => {
    console.log(`large caseload, ${PEOPLE} people: ${JSON.stringify(measures, null, 2)}`);
  });

  await step('accessibilité : aucune violation axe « serious » ou « critical »', async (st) => a11y.report(st), { always: true });

  await step(
    'aucune erreur JavaScript ni blocage par la CSP dans la page',
    async () => {
      if (pageErrors.length > 0) await fail(page, 'Expected no uncaught error in the page', JSON.stringify(pageErrors));
    },
    { always: true },
  );
});
