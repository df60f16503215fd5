// Two tablets of one team and their team lead, in French, each a real
// `carnet-serve` on its own notebook, syncing through a real `carnet-hub` on
// a loopback port. The lead's notebook and the invite codes are made with the
// `carnet` command line; everything else is done on the screens, in three
// pages of one Chromium (three browser contexts): both tablets join the team
// from the settings screen; a person and a visit note recorded on the first
// show on the second after a sync; a procedure's status and the visit's note
// changed on both without a sync in between are marked as conflicts on both;
// the lead sees both conflicts with each value and its author, settles them,
// and signs the visit off; after a sync neither tablet shows a conflict, and
// both show the visit reviewed. Every screen visited is scanned with axe-core.

import { after, test } from 'node:test';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { createTeam, startCarnet, startHub, tempDir } from './carnet.js';
import { accessibilityLog, CHROMIUM, fail, see, serveAxe, storySteps, textOf, TIMEOUT_MS, until, watchErrors } from './check.js';
import { firstRun, h1, joinTeam, lockedScreen, openScreen, reopenUntil, syncBar, syncNow, unlock, untilUpToDate } from './screens.js';

const TABLET = { width: 800, height: 1280 };

const LEAD = { worker: 'Sophie Bernard', passphrase: 'ardoise bleue 12' };
const TABLETS = [
  { name: 'tablette 1', worker: 'Camille Martin', device: 'Tablette de Camille', passphrase: 'lanterne verte 47' },
  { name: 'tablette 2', worker: 'Bruno Lefèvre', device: 'Tablette de Bruno', passphrase: 'galet rouge 83' },
];

const PERSON = 'Marcel Dupuy';
const COMMUNE = 'Aubusson';
const NOTE = 'Rendez-vous pris à la permanence France Services pour la complémentaire santé.';
const AGENCY = 'CPAM (Assurance maladie)';
const PROCEDURE = 'Complémentaire santé solidaire';
// Set on tablet 1 and tablet 2 respectively, without a sync in between.
const STATUSES = ['Déposée', 'Accordée'];
// Written into the note on tablet 1 (at its end) and tablet 2 (at its start).
const NOTE_ENDING = ' Rappeler la CPAM lundi.';
const NOTE_OPENING = 'Urgent : ';
const MERGED_NOTE = `${NOTE_OPENING}${NOTE}${NOTE_ENDING}`;

// Everything started here is stopped here, each by its own PID.
let hub = null;
let lead = null;
let servers = [];
let browser = null;
after(async () => {
  await browser?.close().catch(() => {});
  await Promise.all(servers.map((s) => s.stop()));
  await hub?.stop();
  lead?.remove();
});

test('Deux tablettes et leur responsable : synchronisation, conflits, revue, en français', { timeout: 420_000 }, async (t) => {
  hub = await startHub();
  lead = tempDir('carnet-lead-');
  const team = await createTeam({ hub, dir: join(lead.path, 'notebook'), ...LEAD });
  servers = [await startCarnet(), await startCarnet()];
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });

  const pageErrors = [];
  const devices = [];
  for (const [i, tablet] of TABLETS.entries()) {
    const context = await browser.newContext({ viewport: TABLET, locale: 'fr-FR' });
    await serveAxe(context);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    await watchErrors(page, pageErrors, tablet.name);
    devices.push({ ...tablet, page, server: servers[i], code: await team.invite() });
  }
  const [one, two] = devices;
  // The lead's workstation: the notebook the command line made, opened in the browser later.
  const leadDevice = { name: 'responsable', worker: LEAD.worker, page: null };

  const a11y = accessibilityLog();
  const scan = (device, screen) => a11y.scan(device.page, `${device.name} : ${screen}`);
  const step = storySteps(t, () =>
    Object.fromEntries([...devices, leadDevice].filter((d) => d.page).map((d) => [d.name.replace(' ', '-'), d.page])),
  );

  const region = (page, name) => page.getByRole('region', { name });
  const personRow = (page) =>
    page.getByRole('list', { name: 'Liste des personnes' }).getByRole('link', { name: new RegExp(`^${PERSON}`) });
  const procedureItem = (page) => region(page, 'Démarches').getByRole('listitem').filter({ hasText: PROCEDURE });
  const conflictMark = (page) => procedureItem(page).getByRole('button', { name: 'conflit', exact: true });

  /** Opens the person's case file from the caseload. */
  async function openCaseFile(page) {
    await openScreen(page, 'Personnes');
    await personRow(page).click();
    await see(page, h1(page, PERSON), `the case file of ${PERSON}`);
  }

  /** Waits until the status bar counts changes waiting to be sent: nothing was synced yet. */
  async function untilWaiting(device) {
    await until(
      device.page,
      () => textOf(syncBar(device.page)),
      (v) => v.includes('en attente d’envoi'),
      `the status bar of ${device.name} to count changes waiting to be sent`,
      15_000,
    );
  }

  await step('premier lancement puis équipe rejointe depuis les réglages, sur les deux tablettes', async () => {
    for (const device of devices) {
      const { page } = device;
      await page.goto(device.server.url);
      await see(page, h1(page, 'Bienvenue dans Carnet'), `the first-run screen on ${device.name}`);
      await scan(device, 'Premier lancement');
      await firstRun(page, device);
      await until(page, () => textOf(syncBar(page)), (v) => v.includes('Pas d’équipe'), `${device.name} to have no team yet`);
      await openScreen(page, 'Réglages');
      await scan(device, 'Réglages (sans équipe)');
      await joinTeam(page, { hub: hub.url, code: device.code });
      await scan(device, 'Réglages (équipe rejointe)');
    }
  });

  await step('tablette 1 : une personne et une visite avec une note', async () => {
    const { page } = one;
    await openScreen(page, 'Personnes');
    await page.getByRole('link', { name: 'Ajouter une personne' }).click();
    await see(page, h1(page, 'Nouvelle personne'), 'the heading "Nouvelle personne"');
    await scan(one, 'Nouvelle personne');
    await page.getByLabel('Nom (obligatoire)', { exact: true }).fill(PERSON);
    await page.getByLabel('Commune', { exact: true }).fill(COMMUNE);
    await page.getByRole('button', { name: 'Ouvrir le dossier' }).click();
    await see(page, h1(page, PERSON), `the case file of ${PERSON}`);

    await page.getByRole('link', { name: 'Nouvelle visite' }).click();
    await see(page, h1(page, 'Nouvelle visite'), 'the heading "Nouvelle visite"');
    const note = page.getByLabel('Note', { exact: true });
    await note.click();
    await note.pressSequentially(NOTE);
    await until(
      page,
      () => textOf(page.getByRole('main').getByRole('status')),
      (v) => /^Enregistré à \d{1,2}:\d{2}/.test(v),
      'the save indicator to say "Enregistré à HH:MM"',
    );
    await scan(one, 'Visite (enregistrée)');
    await page.getByRole('link', { name: 'Retour au dossier' }).click();
    await see(page, region(page, 'Visites').getByText(NOTE, { exact: true }), 'the visit note in the case file');
    await scan(one, 'Dossier');
    await untilWaiting(one);
  });

  await step('tablette 1 synchronise ; tablette 2 synchronise et trouve la personne et la note', async () => {
    await syncNow(one.page);
    await untilUpToDate(one.page, 'on tablette 1 once its work is sent');

    const { page } = two;
    // As a worker would: sync, look, and sync again if it has not come yet
    // (a sync that started before tablette 1's work reached the hub brings nothing).
    await reopenUntil(
      page,
      async () => {
        await syncNow(page);
        await openScreen(page, 'Personnes');
      },
      personRow(page),
      `${PERSON} in the caseload of tablette 2`,
    );
    await until(page, () => textOf(personRow(page)), (v) => v.includes(COMMUNE), `his row to name ${COMMUNE}`);
    await scan(two, 'Personnes suivies');
    await personRow(page).click();
    await see(page, h1(page, PERSON), `the case file of ${PERSON} on tablette 2`);
    await see(page, region(page, 'Visites').getByText(NOTE, { exact: true }), 'the visit note written on tablette 1');
    await see(page, region(page, 'Visites').getByText(`par ${one.worker}`), `"par ${one.worker}" on the visit`);
    await scan(two, 'Dossier');
  });

  await step('une démarche créée sur la tablette 1 arrive sur la tablette 2', async () => {
    const { page } = one;
    await openCaseFile(page);
    await page.getByRole('link', { name: 'Nouvelle démarche' }).click();
    await see(page, h1(page, 'Nouvelle démarche'), 'the heading "Nouvelle démarche"');
    await page.getByLabel('Organisme', { exact: true }).selectOption({ label: AGENCY });
    await page.getByLabel('Démarche (obligatoire)', { exact: true }).fill(PROCEDURE);
    await scan(one, 'Nouvelle démarche');
    await page.getByRole('button', { name: 'Créer la démarche' }).click();
    await see(page, procedureItem(page).getByText('À faire', { exact: true }), `"${PROCEDURE}" to do, on tablette 1`);
    await syncNow(page);
    await untilUpToDate(page, 'on tablette 1 once the procedure is sent');

    await syncNow(two.page);
    await reopenUntil(
      two.page,
      () => openCaseFile(two.page),
      procedureItem(two.page).getByText('À faire', { exact: true }),
      `"${PROCEDURE}" to do, in the case file on tablette 2`,
    );
  });

  await step(`sans synchroniser : « ${STATUSES[0]} » et la fin de la note sur la tablette 1, « ${STATUSES[1]} » et son début sur la tablette 2`, async () => {
    for (const [i, device] of devices.entries()) {
      const { page } = device;
      await openCaseFile(page);
      await procedureItem(page).getByRole('link', { name: `Modifier la démarche ${PROCEDURE}` }).click();
      await see(page, h1(page, 'Démarche'), `the procedure editor on ${device.name}`);
      const status = page.getByLabel('Où en est-elle ?', { exact: true });
      await until(page, () => status.inputValue(), (v) => v === 'to_do', 'the editor to show "À faire"');
      if (i === 0) await scan(device, 'Démarche (modifier)');
      await status.selectOption({ label: STATUSES[i] });
      await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await see(page, procedureItem(page).getByText(STATUSES[i], { exact: true }), `"${STATUSES[i]}" on ${device.name}`);

      await region(page, 'Visites').getByRole('link', { name: /^Modifier la visite du / }).click();
      await see(page, h1(page, 'Visite'), `the visit editor on ${device.name}`);
      const note = page.getByLabel('Note', { exact: true });
      await until(page, () => note.inputValue(), (v) => v === NOTE, 'the editor to show the note');
      await note.click();
      await note.press(i === 0 ? 'Control+End' : 'Control+Home');
      await note.pressSequentially(i === 0 ? NOTE_ENDING : NOTE_OPENING);
      await until(
        page,
        () => textOf(page.getByRole('main').getByRole('status')),
        (v) => /^Enregistré à \d{1,2}:\d{2}/.test(v),
        `the note's save on ${device.name}`,
      );
      await page.getByRole('link', { name: 'Retour au dossier' }).click();
      await see(page, h1(page, PERSON), `the case file on ${device.name}`);
    }
    // The changes wait on their tablet: neither has seen the other's.
    await Promise.all(devices.map(untilWaiting));
  });

  await step('synchroniser (1, 2, puis 1) : le conflit sur l’état est marqué dans le dossier des deux tablettes', async () => {
    await syncNow(one.page);
    await untilUpToDate(one.page, `on tablette 1 once "${STATUSES[0]}" is sent`);
    await syncNow(two.page);
    await untilUpToDate(two.page, `on tablette 2 once "${STATUSES[1]}" is sent`);
    await reopenUntil(two.page, () => openCaseFile(two.page), conflictMark(two.page), 'the conflict mark on the procedure, tablette 2');
    await syncNow(one.page);
    await reopenUntil(one.page, () => openCaseFile(one.page), conflictMark(one.page), 'the conflict mark on the procedure, tablette 1');

    const shown = [];
    for (const device of devices) {
      const { page } = device;
      await see(
        page,
        page.getByText('2 champs ont reçu des valeurs différentes pendant un travail hors ligne.', { exact: false }),
        `the notice of two conflicting fields (the status and the note) on ${device.name}`,
      );
      const mark = conflictMark(page);
      await mark.click();
      await until(page, () => mark.getAttribute('aria-expanded'), (v) => v === 'true', 'the conflict mark to open');
      const item = procedureItem(page);
      const text = await until(
        page,
        () => textOf(item),
        (v) => v.includes('Valeurs en concurrence') && STATUSES.every((s) => v.includes(s)),
        `the procedure's conflict on ${device.name} to list both statuses, ${STATUSES.join(' and ')}`,
      );
      const winner = /(\S+) \(affichée\)/.exec(text)?.[1];
      if (!STATUSES.includes(winner)) await fail(page, 'Expected one of the two statuses marked "(affichée)"', text);
      shown.push(winner);
      await scan(device, 'Dossier (conflit)');

      await openScreen(page, 'Personnes');
      await see(page, personRow(page).getByText('conflit', { exact: true }), `the "conflit" flag on ${PERSON}'s row`);
    }
    // The two tablets show the same value while the conflict waits.
    if (shown[0] !== shown[1]) await fail(one.page, 'Expected both tablets to show the same status', JSON.stringify(shown));
  });

  await step('la responsable ouvre son carnet, synchronise et voit les deux conflits, chaque valeur avec son auteur', async () => {
    const server = await startCarnet({ dir: join(lead.path, 'notebook') });
    servers.push(server);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    await serveAxe(context);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    await watchErrors(page, pageErrors, leadDevice.name);
    leadDevice.page = page;
    await lockedScreen(page, server.url);
    await unlock(page, LEAD.passphrase);
    await syncNow(page);
    await untilUpToDate(page, 'on the lead’s workstation');

    const conflict = (field) => page.locator(`[data-testid="conflict"][data-field${field}]`);
    await reopenUntil(
      page,
      () => openScreen(page, 'Conflits'),
      conflict('$="/note"'),
      'the note’s conflict on the lead’s conflicts screen',
    );
    await scan(leadDevice, 'Conflits');
    const status = conflict('^="procedures/"');
    const statusText = await textOf(status);
    for (const expected of [...STATUSES, one.worker, two.worker]) {
      if (!statusText.includes(expected)) await fail(page, `Expected the status conflict to show "${expected}"`, statusText);
    }
    const cards = status.locator('[data-testid="conflict-value"]');
    if ((await cards.count()) !== 2) await fail(page, 'Expected the two statuses side by side', statusText);
    const noteText = await textOf(conflict('$="/note"'));
    for (const expected of [NOTE_OPENING.trim(), NOTE_ENDING.trim(), one.worker, two.worker]) {
      if (!noteText.includes(expected)) await fail(page, `Expected the note's conflict to show "${expected}"`, noteText);
    }
  });

  await step('la responsable voit ce qui a changé depuis sa dernière revue, par qui, puis marque sa revue', async () => {
    const { page } = leadDevice;
    await openScreen(page, 'Revue');
    const card = page.locator('[data-testid="review-case"]').filter({ hasText: PERSON });
    await see(page, card, `${PERSON}'s case file among the changes since the last review`);
    const text = await textOf(card);
    for (const expected of [one.worker, two.worker, STATUSES[0], STATUSES[1]]) {
      if (!text.includes(expected)) await fail(page, `Expected the changes to show "${expected}"`, text);
    }
    await scan(leadDevice, 'Revue');
    await page.getByRole('button', { name: 'Marquer comme revu' }).click();
    await see(page, page.getByText('Rien de nouveau depuis votre dernière revue.'), 'nothing left to review');
  });

  await step(`la responsable garde « ${STATUSES[1]} » et le texte fusionné de la note`, async () => {
    const { page } = leadDevice;
    await openScreen(page, 'Conflits');
    const conflict = (field) => page.locator(`[data-testid="conflict"][data-field${field}]`);
    await conflict('^="procedures/"')
      .locator('[data-testid="conflict-value"]')
      .filter({ hasText: STATUSES[1] })
      .getByRole('button', { name: 'Garder cette valeur' })
      .click();
    await until(page, () => conflict('^="procedures/"').count(), (n) => n === 0, 'the status conflict to go');
    await conflict('$="/note"').getByRole('button', { name: 'Garder le texte fusionné' }).click();
    await see(page, page.getByText('Aucun conflit', { exact: false }), 'the conflicts screen to say there is none left');
  });

  await step('la responsable marque la visite comme relue et synchronise', async () => {
    const { page } = leadDevice;
    await openCaseFile(page);
    await see(page, region(page, 'Visites').getByText(MERGED_NOTE, { exact: true }), 'the merged note, kept as it is');
    await region(page, 'Visites').getByRole('button', { name: 'Marquer comme relue' }).click();
    await see(page, region(page, 'Visites').getByText(`Relue par ${LEAD.worker}`, { exact: false }), 'the reviewed mark');
    await scan(leadDevice, 'Dossier (responsable)');
    await syncNow(page);
    await untilUpToDate(page, 'once the settled values and the review are sent');
  });

  await step('les deux tablettes synchronisent : plus aucun conflit, et la visite est marquée relue', async () => {
    for (const device of devices) {
      const { page } = device;
      await syncNow(page);
      await reopenUntil(
        page,
        () => openCaseFile(page),
        region(page, 'Visites').getByText(`Relue par ${LEAD.worker}`, { exact: false }),
        `the reviewed mark on ${device.name}`,
      );
      await see(page, procedureItem(page).getByText(STATUSES[1], { exact: true }), `"${STATUSES[1]}" settled on ${device.name}`);
      await see(page, region(page, 'Visites').getByText(MERGED_NOTE, { exact: true }), `the merged note on ${device.name}`);
      if ((await conflictMark(page).count()) !== 0) await fail(page, `Expected no conflict mark left on ${device.name}`, '');
      await openScreen(page, 'Personnes');
      if ((await personRow(page).getByText('conflit', { exact: true }).count()) !== 0) {
        await fail(page, `Expected no "conflit" flag left on ${device.name}`, await textOf(personRow(page)));
      }
    }
  });

  await step('accessibilité : aucune violation axe « serious » ou « critical »', async (st) => a11y.report(st), {
    always: true,
  });

  await step(
    'aucune erreur JavaScript ni blocage par la CSP dans les pages',
    async () => {
      if (pageErrors.length > 0) await fail(one.page, 'Expected no uncaught error in the pages', JSON.stringify(pageErrors));
    },
    { always: true },
  );
});
