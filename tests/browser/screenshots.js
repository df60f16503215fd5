// Screenshots of Carnet's main screens, in French, for docs/screenshots/.
//
// A notebook is filled with `carnet demo` (a small, seeded caseload) on a
// team whose hub runs on a loopback port, synced once so the status bar
// shows a real state; then the real `carnet-serve` is opened in Chromium and
// each screen is captured at 1280×800 (a tablet held sideways), the caseload
// and a case file also at 800×1280 (held upright). Everything started here
// is stopped by its own PID, and the temporary directories are removed.
//
// Usage (after building the UI and the binaries, see docs/screenshots/README.md):
//   npm --prefix tests/browser run screenshots

import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { carnetCli, createTeam, startCarnet, startHub, tempDir } from './carnet.js';
import { CHROMIUM, see, textOf, until, watchErrors } from './check.js';
import { h1, lockedScreen, nav, openScreen, syncBar, unlock } from './screens.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = process.env.CARNET_SCREENSHOTS ? resolve(process.env.CARNET_SCREENSHOTS) : join(repo, 'docs', 'screenshots');

/** Where Chromium keeps its French strings and formats, for the date fields. */
const FRENCH_LOCALE_FILES = [
  '/usr/lib/chromium/locales/fr.pak',
  join(dirname(existsSync(CHROMIUM) ? realpathSync(CHROMIUM) : CHROMIUM), 'locales', 'fr.pak'),
];

const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const PEOPLE = '40';
const SEED = '1';
const WORKER = 'Camille Martin';
const DEVICE = 'Tablette de Camille';
const PASSPHRASE = 'lanterne verte 47';

const started = { hub: null, carnet: null, browser: null, tmp: null };

async function main() {
  started.hub = await startHub();
  started.tmp = tempDir('carnet-screenshots-');
  const team = await createTeam({
    hub: started.hub,
    dir: join(started.tmp.path, 'lead'),
    passphrase: 'ardoise bleue 12',
    worker: 'Sophie Bernard',
  });
  const dir = join(started.tmp.path, 'notebook');
  const cli = carnetCli(dir, PASSPHRASE);
  await cli.run('init', '--worker', WORKER, '--device-name', DEVICE);
  await cli.run('team', 'join', '--hub', started.hub.url, '--code', await team.invite());
  await cli.run('demo', '--people', PEOPLE, '--seed', SEED);
  await cli.run('sync');

  // The person shown: the first of the list with visits, an open procedure
  // and a task, so the case file has something in every section.
  const people = await cli.run('person', 'list');
  const person = people.find((p) => p.visits >= 3 && p.open_procedures > 0 && p.next_task_due !== null) ?? people[0];

  started.carnet = await startCarnet({ dir });
  // Date fields are written in the browser's own language (not the page's):
  // Chromium takes it from LANGUAGE on Linux and needs its French locale
  // file (Debian: chromium-l10n), otherwise they show in US order.
  if (!FRENCH_LOCALE_FILES.some((file) => existsSync(file))) {
    console.warn(`screenshots: no French locale file for Chromium (${FRENCH_LOCALE_FILES.join(', ')}): date fields will show in US order`);
  }
  started.browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--lang=fr-FR'],
    env: { ...process.env, LANGUAGE: 'fr', LANG: 'fr_FR.UTF-8' },
  });
  const context = await started.browser.newContext({
    viewport: LANDSCAPE,
    locale: 'fr-FR',
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const pageErrors = [];
  await watchErrors(page, pageErrors);

  mkdirSync(OUT, { recursive: true });
  const saved = [];
  async function shot(name) {
    if (pageErrors.length > 0) throw new Error(`the page raised errors before ${name}: ${JSON.stringify(pageErrors)}`);
    // No hover effect from the last click in the picture.
    await page.mouse.move(0, 0);
    const path = join(OUT, `${name}.png`);
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    saved.push(relative(repo, path));
  }

  const list = page.getByRole('list', { name: 'Liste des personnes' });
  const row = list.getByRole('link', { name: person.name }).first();

  async function caseload() {
    await openScreen(page, 'Personnes');
    await see(page, list.getByRole('link').first(), 'the first rows of the caseload');
    await until(page, () => textOf(page.getByRole('main').getByRole('status')), (v) => v === `${PEOPLE} personnes`, `"${PEOPLE} personnes"`);
  }

  async function caseFile() {
    await caseload();
    await row.click();
    await see(page, h1(page, person.name), `the case file of ${person.name}`);
    await see(page, page.getByRole('region', { name: 'Visites' }).getByRole('article').first(), 'the visits of the case file');
  }

  await lockedScreen(page, started.carnet.url);
  await shot('unlock');

  await unlock(page, PASSPHRASE);
  await until(
    page,
    () => textOf(syncBar(page)),
    (v) => v.startsWith('À jour') && !v.includes('en attente'),
    'the status bar to say the tablet is up to date',
    30_000,
  );
  await caseload();
  await shot('caseload');

  await caseFile();
  await shot('case-file');

  await page.getByRole('link', { name: /^Modifier la visite du / }).first().click();
  await see(page, h1(page, 'Visite'), 'the visit editor');
  const note = page.getByLabel('Note', { exact: true });
  await until(page, () => note.inputValue(), (v) => v.length > 0, 'the visit note in the editor');
  await until(
    page,
    () => textOf(page.getByRole('main').getByRole('status')),
    (v) => v === 'Rien à enregistrer pour l’instant',
    'the save indicator at rest',
  );
  // The note is what the editor is for: it is brought into view.
  await note.evaluate((field) => field.scrollIntoView({ block: 'end' }));
  await shot('visit-editor');

  await page.getByRole('link', { name: 'Retour au dossier' }).click();
  await see(page, h1(page, person.name), `the case file of ${person.name}`);
  await page.getByRole('link', { name: /^Modifier la démarche / }).first().click();
  await see(page, h1(page, 'Démarche'), 'the procedure editor');
  await until(page, () => page.getByLabel('Démarche (obligatoire)', { exact: true }).inputValue(), (v) => v.length > 0, 'the procedure in the editor');
  await shot('procedure-editor');

  await openScreen(page, 'Cette semaine');
  await see(page, page.getByRole('main').getByRole('checkbox').first(), 'a task due this week');
  await shot('due-this-week');

  await openScreen(page, 'Réglages');
  await see(page, page.getByText('Cette tablette fait partie d’une équipe', { exact: false }), 'the team membership');
  await shot('settings');

  await page.setViewportSize(PORTRAIT);
  await caseload();
  await shot('caseload-portrait');
  await caseFile();
  await shot('case-file-portrait');

  await see(page, nav(page), 'the navigation at the end');
  console.log(`${saved.length} screenshots (${PEOPLE} demo people, seed ${SEED}; case file of ${person.name}):\n  ${saved.join('\n  ')}`);
}

try {
  await main();
} catch (e) {
  console.error(`screenshots: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await started.browser?.close().catch(() => {});
  await started.carnet?.stop();
  await started.hub?.stop();
  started.tmp?.remove();
}
