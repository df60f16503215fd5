// One worker's first day with Carnet, in French, in a real Chromium against
// the real `carnet-serve` on an empty notebook: create the notebook, a
// person, a visit (saved as typed), a procedure and its new status, a task
// whose mistyped due date is corrected to this week; search; switch to English; lock, reload, unlock, and find
// everything again. Every screen visited is scanned with axe-core, and the
// caseload screen is checked at 1280×800 and for 44×44 px buttons.
//
// Controls are found by role and accessible name, as a screen-reader user
// would find them.

import { after, test } from 'node:test';
import { chromium } from 'playwright-core';

import { startCarnet } from './carnet.js';
import {
  accessibilityLog,
  CHROMIUM,
  fail,
  gone,
  see,
  serveAxe,
  smallTargets,
  storySteps,
  textOf,
  TIMEOUT_MS,
  until,
  watchErrors,
} from './check.js';

const TABLET = { width: 800, height: 1280 };
const LANDSCAPE = { width: 1280, height: 800 };
const MIN_TARGET = 44;

const WORKER = 'Camille Martin';
const DEVICE = 'Tablette de Camille';
const PASSPHRASE = 'lanterne verte 47';
const PERSON = 'Hélène Roux';
const COMMUNE = 'Felletin';
const PLACE = 'Domicile';
const NOTE = 'Chaudière en panne depuis une semaine. Dossier RSA à relancer auprès de la CAF.';
const PROCEDURE = 'RSA';
const NEXT_STEP = 'Envoyer les justificatifs';
const TASK = 'Appeler la CAF pour le RSA';

/** A local calendar day `days` from today, as `YYYY-MM-DD`. */
function dayFromToday(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const DUE = dayFromToday(2);
/** The due date first typed by mistake, corrected to `DUE`. */
const WRONG_DUE = dayFromToday(12);

// One server and one browser for the whole story; both stopped at the end.
let carnet = null;
let browser = null;
after(async () => {
  await browser?.close().catch(() => {});
  await carnet?.stop();
});

test('Carnet in a browser: a worker’s first day, in French', { timeout: 115_000 }, async (t) => {
  carnet = await startCarnet();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const context = await browser.newContext({ viewport: TABLET, locale: 'fr-FR' });
  await serveAxe(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);

  // Uncaught errors, and anything the page's Content-Security-Policy blocked.
  const pageErrors = [];
  await watchErrors(page, pageErrors);

  const a11y = accessibilityLog();
  const scan = (screen) => a11y.scan(page, screen);
  const step = storySteps(t, () => ({ page }));

  const h1 = (name) => page.getByRole('heading', { level: 1, name, exact: true });
  const nav = () => page.getByRole('navigation', { name: /^(Navigation principale|Main navigation)$/ });
  const main = () => page.getByRole('main');

  /** The date as the UI writes it, computed with the browser's own Intl. */
  const uiDay = (day, locale) =>
    page.evaluate(
      ([d, l]) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`)),
      [day, locale],
    );

  await step('premier lancement : créer le carnet', async () => {
    await page.goto(carnet.url);
    await see(page, h1('Bienvenue dans Carnet'), 'the first-run heading "Bienvenue dans Carnet"');
    await until(page, async () => page.url(), (u) => !u.includes('token='), 'the token to leave the address bar');
    await scan('Premier lancement');

    await page.getByLabel('Votre nom', { exact: true }).fill(WORKER);
    const device = page.getByLabel('Nom de la tablette', { exact: true });
    await until(page, () => device.inputValue(), (v) => v === 'tablette', 'the tablet name to be prefilled with "tablette"');
    await device.fill(DEVICE);
    await page.getByLabel('Phrase de passe ou code', { exact: true }).fill(PASSPHRASE);
    const confirm = page.getByLabel('La même phrase de passe, une seconde fois', { exact: true });

    // Two different passphrases are refused, and the form says why.
    await confirm.fill(`${PASSPHRASE}!`);
    await page.getByRole('button', { name: 'Créer le carnet' }).click();
    await see(
      page,
      page.getByText('Les deux phrases de passe ne sont pas identiques.'),
      'the mismatch error under the second passphrase',
    );
    await until(page, () => confirm.getAttribute('aria-invalid'), (v) => v === 'true', 'the second passphrase to be marked invalid');
    await scan('Premier lancement (erreur)');

    await confirm.fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Créer le carnet' }).click();
    await see(page, h1('Personnes suivies'), 'the caseload heading "Personnes suivies" once the notebook is created');
    await see(
      page,
      page.getByText('Aucune personne pour l’instant : ajoutez la première.'),
      'the empty caseload message',
    );
    const sync = page.getByRole('status', { name: 'État de la synchronisation' });
    await until(page, () => textOf(sync), (v) => v.includes('Pas d’équipe'), 'the status bar to say there is no team');
    await scan('Personnes suivies (vide)');
  });

  await step('créer une personne : Hélène Roux, à Felletin', async () => {
    await page.getByRole('link', { name: 'Ajouter une personne' }).click();
    await see(page, h1('Nouvelle personne'), 'the heading "Nouvelle personne"');
    await scan('Nouvelle personne');
    await page.getByLabel('Nom (obligatoire)', { exact: true }).fill(PERSON);
    await page.getByLabel('Commune', { exact: true }).fill(COMMUNE);
    await page.getByLabel('Année de naissance', { exact: true }).fill('1958');
    await page.getByRole('button', { name: 'Ouvrir le dossier' }).click();

    await see(page, h1(PERSON), `the case file headed "${PERSON}"`);
    const person = page.getByRole('region', { name: 'La personne' });
    await see(page, person.getByText(COMMUNE, { exact: true }), `the commune "${COMMUNE}" in "La personne"`);
    await see(page, person.getByText('1958', { exact: true }), 'the birth year in "La personne"');
    await see(page, page.getByRole('region', { name: 'Visites' }).getByText('Aucune visite enregistrée.'), 'no visit yet');
    await scan('Dossier');
  });

  await step('noter une visite : la note s’enregistre pendant la saisie', async () => {
    await page.getByRole('link', { name: 'Nouvelle visite' }).click();
    await see(page, h1('Nouvelle visite'), 'the heading "Nouvelle visite"');
    await see(page, page.getByText(`Dossier de ${PERSON}`), `"Dossier de ${PERSON}" under the heading`);
    const indicator = main().getByRole('status');
    await until(
      page,
      () => textOf(indicator),
      (v) => v === 'Rien à enregistrer pour l’instant',
      'the save indicator to say there is nothing to save yet',
    );
    await scan('Nouvelle visite');

    await page.getByLabel('Lieu', { exact: true }).fill(PLACE);
    const caf = page.getByRole('button', { name: 'CAF', exact: true });
    await caf.click();
    await until(page, () => caf.getAttribute('aria-pressed'), (v) => v === 'true', 'the topic chip "CAF" to be pressed');
    const note = page.getByLabel('Note', { exact: true });
    await note.click();
    await note.pressSequentially(NOTE);

    await until(
      page,
      () => textOf(indicator),
      (v) => /^Enregistré à \d{1,2}:\d{2}/.test(v),
      'the save indicator to say "Enregistré à HH:MM" once typing pauses',
    );
    await until(page, () => note.inputValue(), (v) => v === NOTE, 'the note field to still hold the whole note after saving');
    await until(
      page,
      async () => new URL(page.url()).hash,
      (h) => /^#\/case\/[0-9a-f-]+\/visit\/[0-9a-f-]+$/i.test(h),
      'the address to name the saved visit (#/case/…/visit/…)',
    );
    await scan('Visite (enregistrée)');

    await page.getByRole('link', { name: 'Retour au dossier' }).click();
    await see(page, h1(PERSON), `the case file of ${PERSON}`);
    const visits = page.getByRole('region', { name: 'Visites' });
    await see(page, visits.getByText(NOTE, { exact: true }), 'the visit note in the timeline');
    await see(page, visits.getByText(`À domicile · ${PLACE}`, { exact: false }), `"À domicile · ${PLACE}" in the timeline`);
    await see(page, visits.getByRole('list', { name: 'Sujets' }).getByText('CAF', { exact: true }), 'the topic CAF');
  });

  await step('ajouter une démarche puis changer son état', async () => {
    await page.getByRole('link', { name: 'Nouvelle démarche' }).click();
    await see(page, h1('Nouvelle démarche'), 'the heading "Nouvelle démarche"');
    await scan('Nouvelle démarche');
    await page.getByLabel('Organisme', { exact: true }).selectOption({ label: 'CAF' });
    await page.getByLabel('Démarche (obligatoire)', { exact: true }).fill(PROCEDURE);
    const status = page.getByLabel('Où en est-elle ?', { exact: true });
    await until(page, () => status.inputValue(), (v) => v === 'to_do', 'a new procedure to start as "À faire"');
    await page.getByLabel('Prochaine étape', { exact: true }).fill(NEXT_STEP);
    await page.getByRole('button', { name: 'Créer la démarche' }).click();

    await see(page, h1(PERSON), `the case file of ${PERSON} after creating the procedure`);
    const procedures = page.getByRole('region', { name: 'Démarches' });
    await see(page, procedures.getByRole('heading', { level: 3, name: 'CAF' }), 'the agency heading "CAF"');
    await see(page, procedures.getByText('À faire', { exact: true }), 'the status chip "À faire"');
    await see(page, procedures.getByText(`Prochaine étape : ${NEXT_STEP}`), 'the next step');

    await procedures.getByRole('link', { name: `Modifier la démarche ${PROCEDURE}` }).click();
    await see(page, h1('Démarche'), 'the heading "Démarche"');
    const agency = page.getByLabel('Organisme', { exact: true });
    await until(page, () => agency.isDisabled(), (v) => v === true, 'the agency of an existing procedure to be fixed');
    await until(page, () => status.inputValue(), (v) => v === 'to_do', 'the editor to show the current status "À faire"');
    await scan('Démarche (modifier)');
    await status.selectOption({ label: 'Déposée' });
    await page.getByRole('button', { name: 'Enregistrer' }).click();

    await see(page, h1(PERSON), `the case file of ${PERSON} after saving the procedure`);
    await see(page, procedures.getByText('Déposée', { exact: true }), 'the status chip "Déposée"');
    await gone(page, procedures.getByText('À faire', { exact: true }), 'the old status chip "À faire"');
  });

  await step('ajouter une tâche, puis corriger son échéance pour cette semaine', async () => {
    await page.getByRole('link', { name: 'Nouvelle tâche' }).click();
    await see(page, h1('Nouvelle tâche'), 'the heading "Nouvelle tâche"');
    await scan('Nouvelle tâche');
    await page.getByLabel('À faire (obligatoire)', { exact: true }).fill(TASK);
    await page.getByLabel('Échéance', { exact: true }).fill(WRONG_DUE);
    const who = page.getByLabel('Qui s’en charge', { exact: true });
    await until(page, () => who.inputValue(), (v) => v === WORKER, `"Qui s’en charge" to be prefilled with ${WORKER}`);
    await page.getByRole('button', { name: 'Créer la tâche' }).click();

    await see(page, h1(PERSON), `the case file of ${PERSON} after creating the task`);
    const tasks = page.getByRole('region', { name: 'Tâches' });
    const box = tasks.getByRole('checkbox', { name: TASK });
    await see(page, box, `the task "${TASK}" as a checkbox`);
    await until(page, () => box.isChecked(), (v) => v === false, 'the new task not to be done');
    const wrong = await uiDay(WRONG_DUE, 'fr-FR');
    await see(page, tasks.getByText(`Pour le ${wrong}`), `"Pour le ${wrong}" next to the task`);

    await tasks.getByRole('link', { name: `Modifier la tâche « ${TASK} »` }).click();
    await see(page, h1('Tâche'), 'the heading "Tâche"');
    const title = page.getByLabel('À faire (obligatoire)', { exact: true });
    const due = page.getByLabel('Échéance', { exact: true });
    await until(page, () => title.inputValue(), (v) => v === TASK, `the editor to show the title "${TASK}"`);
    await until(page, () => due.inputValue(), (v) => v === WRONG_DUE, `the editor to show the due date ${WRONG_DUE}`);
    await until(page, () => who.inputValue(), (v) => v === WORKER, `the editor to show the assignee ${WORKER}`);
    await scan('Tâche (modifier)');
    await due.fill(DUE);
    await page.getByRole('button', { name: 'Enregistrer' }).click();

    await see(page, h1(PERSON), `the case file of ${PERSON} after correcting the due date`);
    const date = await uiDay(DUE, 'fr-FR');
    await see(page, tasks.getByText(`Pour le ${date}`), `"Pour le ${date}" next to the task`);
    await gone(page, tasks.getByText(`Pour le ${wrong}`), `the mistyped date "Pour le ${wrong}"`);
    await see(page, box, `the task "${TASK}", still there once corrected`);
  });

  await step('la tâche est dans « Cette semaine »', async () => {
    await nav().getByRole('link', { name: 'Cette semaine' }).click();
    await see(page, h1('À faire cette semaine'), 'the heading "À faire cette semaine"');
    const link = nav().getByRole('link', { name: 'Cette semaine' });
    await until(page, () => link.getAttribute('aria-current'), (v) => v === 'page', 'the nav link to be marked as the current page');
    const item = main().getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: TASK }) });
    await see(page, item, `the task "${TASK}" in the week's list`);
    const date = await uiDay(DUE, 'fr-FR');
    await see(page, item.getByText(`Le ${date}`, { exact: true }), `"Le ${date}" for the task`);
    await see(page, item.getByText(`Pour ${WORKER}`, { exact: true }), `"Pour ${WORKER}" for the task`);
    await see(page, item.getByRole('link', { name: `Ouvrir le dossier de ${PERSON}` }), 'a link to her case file');
    await scan('À faire cette semaine');
  });

  await step('rechercher « helene » (sans accent) et « Hélène »', async () => {
    await nav().getByRole('link', { name: 'Personnes' }).click();
    await see(page, h1('Personnes suivies'), 'the heading "Personnes suivies"');
    const list = page.getByRole('list', { name: 'Liste des personnes' });
    const row = list.getByRole('link', { name: new RegExp(`^${PERSON}`) });
    await see(page, row, `${PERSON} in the list`);
    const date = await uiDay(DUE, 'fr-FR');
    await until(
      page,
      () => textOf(row),
      (v) => v.includes(COMMUNE) && v.includes('Dernière visite le') && v.includes(`Tâche pour le ${date}`),
      `her row to show ${COMMUNE}, her last visit and "Tâche pour le ${date}"`,
    );
    const count = main().getByRole('status');
    const search = page.getByRole('searchbox', { name: 'Rechercher une personne' });

    const noMatch = page.getByText('Personne ne correspond à cette recherche ou à ces filtres.');

    // Each search starts from one that matches nobody (the list empties), so
    // finding her again can only come from the new search, not from the
    // results of the one before (the search runs once typing pauses).
    async function searchFinds(query) {
      await search.fill('zzzz');
      await see(page, noMatch, 'the no-match message for "zzzz"');
      await until(page, () => textOf(count), (v) => v === '0 personne', 'the count "0 personne" for "zzzz"');
      await search.fill(query);
      await see(page, row, query === '' ? `${PERSON} in the list once the search is cleared` : `${PERSON} found by the search "${query}"`);
      await until(page, () => textOf(count), (v) => v === '1 personne', `the count "1 personne" for "${query}"`);
    }
    for (const query of ['helene', 'Hélène', 'HELENE', 'felletin', 'chaudiere']) {
      await searchFinds(query);
    }
    await scan('Personnes suivies (recherche)');
    await searchFinds('');
    await scan('Personnes suivies');
  });

  await step(`liste des personnes : chaque bouton (et chaque lien) fait au moins ${MIN_TARGET}×${MIN_TARGET} px`, async () => {
    try {
      for (const viewport of [TABLET, LANDSCAPE]) {
        await page.setViewportSize(viewport);
        await see(page, h1('Personnes suivies'), 'the caseload heading');
        for (const role of ['button', 'link']) {
          const { count, small } = await smallTargets(page.getByRole(role), MIN_TARGET);
          if (count === 0) await fail(page, `Expected elements of role ${role} on the caseload screen`, 'none');
          if (small.length > 0) {
            await fail(
              page,
              `Expected every ${role} on the caseload screen at ${viewport.width}×${viewport.height} to be at least ${MIN_TARGET}×${MIN_TARGET} px`,
              JSON.stringify(small),
            );
          }
        }
      }
    } finally {
      await page.setViewportSize(TABLET);
    }
  });

  await step('liste des personnes en paysage (1280×800)', async () => {
    await page.setViewportSize(LANDSCAPE);
    try {
      await see(page, h1('Personnes suivies'), 'the caseload heading at 1280×800');
      const row = page.getByRole('list', { name: 'Liste des personnes' }).getByRole('link', { name: new RegExp(`^${PERSON}`) });
      await see(page, row, `${PERSON} in the list at 1280×800`);
      const box = await row.boundingBox();
      if (box === null || box.y + box.height > LANDSCAPE.height || box.y < 0) {
        await fail(page, `Expected ${PERSON}'s row inside the 1280×800 window`, JSON.stringify(box));
      }
      for (const control of [
        page.getByRole('searchbox', { name: 'Rechercher une personne' }),
        page.getByRole('link', { name: 'Ajouter une personne' }),
        page.getByRole('combobox', { name: 'Commune' }),
      ]) {
        const b = await control.boundingBox();
        if (b === null || b.x < 0 || b.x + b.width > LANDSCAPE.width || b.y + b.height > LANDSCAPE.height) {
          await fail(page, `Expected ${control} inside the 1280×800 window`, JSON.stringify(b));
        }
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) await fail(page, 'Expected no horizontal scrolling at 1280×800', `${overflow} px too wide`);
      await scan('Personnes suivies (1280×800)');
    } finally {
      await page.setViewportSize(TABLET);
    }
  });

  await step('passer en anglais', async () => {
    await nav().getByRole('link', { name: 'Réglages' }).click();
    await see(page, h1('Équipe et réglages'), 'the heading "Équipe et réglages"');
    await scan('Réglages');
    const english = page.getByRole('radio', { name: 'English' });
    await english.check();
    await see(page, h1('Team and settings'), 'the heading in English, "Team and settings"');
    await see(page, nav().getByRole('link', { name: 'People', exact: true }), 'the nav link "People"');
    await until(page, () => english.isChecked(), (v) => v === true, 'the radio "English" to be checked');
    await until(page, () => page.evaluate(() => document.documentElement.lang), (v) => v === 'en', '<html lang="en">');
    await scan('Settings (English)');
  });

  await step('verrouiller, recharger la page, déverrouiller : tout est encore là', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Lock', exact: true }).click();
    await see(page, h1('Carnet is locked'), 'the unlock screen "Carnet is locked"');
    await page.reload();
    await see(page, h1('Carnet is locked'), 'the unlock screen, still in English, after the reload');
    const body = await page.evaluate(() => document.body.innerText);
    for (const secret of [PERSON, 'Hélène', NOTE, TASK]) {
      if (body.includes(secret)) await fail(page, `Expected nothing of the notebook on the locked screen`, `"${secret}" is shown`);
    }
    await scan('Unlock (English)');

    const passphrase = page.getByLabel('Passphrase or PIN', { exact: true });
    await passphrase.fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await see(page, page.getByRole('alert').filter({ hasText: 'Wrong passphrase or PIN. Nothing was changed.' }), 'the wrong-passphrase alert');
    await see(page, h1('Carnet is locked'), 'the notebook still locked after a wrong passphrase');
    await scan('Unlock (wrong passphrase)');

    await passphrase.fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    // Unlocking reopens the screen that was locked.
    await see(page, h1('Team and settings'), 'the screen that was locked, "Team and settings", once unlocked');
    await nav().getByRole('link', { name: 'People', exact: true }).click();
    await see(page, h1('People you follow'), 'the caseload "People you follow"');
    const row = page.getByRole('list', { name: 'List of people' }).getByRole('link', { name: new RegExp(`^${PERSON}`) });
    await see(page, row, `${PERSON} in the list after unlocking`);
    await row.click();

    await see(page, h1(PERSON), `${PERSON}'s case file after unlocking`);
    await see(page, page.getByRole('region', { name: 'The person' }).getByText(COMMUNE, { exact: true }), `the commune ${COMMUNE}`);
    await see(page, page.getByRole('region', { name: 'Visits' }).getByText(NOTE, { exact: true }), 'the visit note');
    await see(page, page.getByRole('region', { name: 'Procedures' }).getByText('Submitted', { exact: true }), 'the procedure "Submitted"');
    await see(page, page.getByRole('region', { name: 'Tasks' }).getByRole('checkbox', { name: TASK }), 'the task');
    await scan('Case file (English)');

    await nav().getByRole('link', { name: 'This week' }).click();
    await see(page, h1('Due this week'), 'the heading "Due this week"');
    await see(page, main().getByRole('checkbox', { name: TASK }), `the task "${TASK}" still due this week`);
    await scan('Due this week (English)');
  });

  await step('accessibilité : aucune violation axe « serious » ou « critical »', async (st) => a11y.report(st), {
    always: true,
  });

  await step(
    'aucune erreur JavaScript ni blocage par la CSP dans la page',
    async () => {
      if (pageErrors.length > 0) await fail(page, 'Expected no uncaught error in the page', JSON.stringify(pageErrors));
    },
    { always: true },
  );
});
