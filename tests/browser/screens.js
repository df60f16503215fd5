// What a worker does on Carnet's screens, in French, found by role and
// accessible name: shared by the stories and the screenshot script.

import { see, textOf, until } from './check.js';

/** The level-one heading named exactly `name`. */
export const h1 = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });

/** The main navigation. */
export const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });

/** The sync status bar at the foot of every screen. */
export const syncBar = (page) => page.getByRole('status', { name: 'État de la synchronisation' });

/** The nav link to each screen, and that screen's heading. */
const SCREENS = {
  Personnes: 'Personnes suivies',
  'Cette semaine': 'À faire cette semaine',
  Réglages: 'Équipe et réglages',
  Conflits: 'Conflits à trancher',
  Revue: 'Depuis ma dernière revue',
};

/** Opens a screen from the main navigation and waits for its heading. */
export async function openScreen(page, link) {
  await nav(page).getByRole('link', { name: link, exact: true }).click();
  await see(page, h1(page, SCREENS[link]), `the heading "${SCREENS[link]}"`);
}

/** On the first-run screen: creates the notebook, and waits for the caseload. */
export async function firstRun(page, { worker, device, passphrase }) {
  await see(page, h1(page, 'Bienvenue dans Carnet'), 'the first-run heading "Bienvenue dans Carnet"');
  await page.getByLabel('Votre nom', { exact: true }).fill(worker);
  await page.getByLabel('Nom de la tablette', { exact: true }).fill(device);
  await page.getByLabel('Phrase de passe ou code', { exact: true }).fill(passphrase);
  await page.getByLabel('La même phrase de passe, une seconde fois', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Créer le carnet' }).click();
  await see(page, h1(page, 'Personnes suivies'), `the caseload once ${worker}'s notebook is created`, 30_000);
}

/** Opens the page on a notebook that exists, and waits for the unlock screen. */
export async function lockedScreen(page, url) {
  await page.goto(url);
  await see(page, h1(page, 'Carnet verrouillé'), 'the unlock screen "Carnet verrouillé"');
}

/** Unlocks from the unlock screen; waits for the caseload. */
export async function unlock(page, passphrase, timeout = 30_000) {
  await page.getByLabel('Phrase de passe ou code', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Déverrouiller', exact: true }).click();
  await see(page, h1(page, 'Personnes suivies'), 'the caseload once unlocked', timeout);
}

/**
 * Joins a team from the settings screen with the hub's address and an
 * invite code, and waits for the screen and the status bar to say so.
 */
export async function joinTeam(page, { hub, code }) {
  await openScreen(page, 'Réglages');
  await page.getByLabel('Adresse du serveur d’équipe', { exact: true }).fill(hub);
  await page.getByLabel('Code d’invitation', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Rejoindre l’équipe' }).click();
  await see(page, page.getByText('Cette tablette a rejoint l’équipe.'), 'the notice "Cette tablette a rejoint l’équipe."', 30_000);
  await see(
    page,
    page.getByText('Cette tablette fait partie d’une équipe, comme intervenant ou intervenante.'),
    'the team membership line',
  );
  await untilUpToDate(page, 'once the tablet has joined');
}

/** Presses "Synchroniser maintenant" on the settings screen. */
export async function syncNow(page) {
  await openScreen(page, 'Réglages');
  const button = page.getByRole('button', { name: 'Synchroniser maintenant' });
  await button.click();
  // The button reads "Synchronisation en cours…" while the request runs.
  await see(page, button, 'the button "Synchroniser maintenant" back once the request is done');
}

/**
 * Waits until the status bar says the tablet is up to date with nothing
 * left to send (it follows the sync loop every few seconds).
 */
export async function untilUpToDate(page, when, timeout = 30_000) {
  await until(
    page,
    () => textOf(syncBar(page)),
    (v) => v.startsWith('À jour') && !v.includes('en attente'),
    `the status bar to say "À jour" with nothing waiting to be sent ${when}`,
    timeout,
  );
}

/**
 * Opens a screen again and again (`open()`) until `locator` shows on it:
 * what a worker does to see what a sync brought. Fails after `timeout`.
 */
export async function reopenUntil(page, open, locator, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  for (;;) {
    await open();
    const shown = await locator.waitFor({ state: 'visible', timeout: 1_500 }).then(
      () => true,
      () => false,
    );
    if (shown) return locator;
    if (Date.now() > end) {
      await see(page, locator, `${what} (after reopening the screen for ${timeout} ms)`, 1);
    }
  }
}
