// The real tablet app: the built `carnet-tablet` binary (the Tauri shell),
// started by WebKitWebDriver through tauri-driver, in an X display (Xvfb
// when there is none). It starts on an empty notebook, creates it, refuses a
// wrong passphrase, records a visit, and after a restart of the app the visit
// is still there, unlocked with the passphrase.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { remote } from 'webdriverio';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');

/** The app: $CARNET_TABLET, or the debug build of this checkout. */
const APP = process.env.CARNET_TABLET ? resolve(process.env.CARNET_TABLET) : join(target, 'debug', 'carnet-tablet');
const TAURI_DRIVER = process.env.TAURI_DRIVER ?? join(process.env.HOME ?? '/root', '.cargo', 'bin', 'tauri-driver');
const NATIVE_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
/** The app's identifier (tauri.conf.json): its data lives under this name. */
const IDENTIFIER = 'fr.carnet.tablet';

const WORKER = 'Maëlle';
const DEVICE = 'tablette du mardi';
const PASSPHRASE = 'chemin des Plaines 7';
const PERSON = 'Lucien Barrière';
const NOTE = 'Visite au Bourg : dossier APL à compléter avec la quittance d’octobre.';

const processes = [];
let tmp;
let dataHome;
let display = process.env.DISPLAY;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((done) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

function start(command, args, env) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  processes.push(child);
  return { child, stderr: () => stderr };
}

/** An X display: the one we run in, or a fresh Xvfb. */
async function ensureDisplay() {
  if (display) return;
  for (let n = 90; n < 140; n += 1) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const xvfb = start('Xvfb', [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {});
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !existsSync(`/tmp/.X11-unix/X${n}`)) {
      if (xvfb.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (existsSync(`/tmp/.X11-unix/X${n}`)) {
      display = `:${n}`;
      return;
    }
  }
  throw new Error('no X display: Xvfb could not start (apt install xvfb)');
}

let driverPort;
let driverLog = () => '';

before(async () => {
  for (const [what, path] of [
    ['the tablet app', APP],
    ['tauri-driver', TAURI_DRIVER],
    ['WebKitWebDriver', NATIVE_DRIVER],
  ]) {
    if (!existsSync(path)) {
      throw new Error(`${what} not found at ${path}: run scripts/setup, then \`cargo build -p carnet-tablet\``);
    }
  }
  tmp = mkdtempSync(join(tmpdir(), 'carnet-tablet-'));
  dataHome = join(tmp, 'data');
  await ensureDisplay();
  driverPort = await freePort();
  const nativePort = await freePort();
  const driver = start(TAURI_DRIVER, ['--port', String(driverPort), '--native-port', String(nativePort), '--native-driver', NATIVE_DRIVER], {
    DISPLAY: display,
    // The app keeps its notebook in $XDG_DATA_HOME/<identifier>.
    XDG_DATA_HOME: dataHome,
    CARNET_DIR: '',
    // Software rendering: no GPU under Xvfb.
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    LIBGL_ALWAYS_SOFTWARE: '1',
  });
  driverLog = driver.stderr;
  await waitForPort(driverPort, 15_000, `tauri-driver (${driver.stderr()})`);
});

after(() => {
  for (const child of processes.reverse()) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  if (tmp && !process.env.CARNET_KEEP) rmSync(tmp, { recursive: true, force: true });
});

/** Starts the app in a new WebDriver session. */
async function openApp() {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await remote({
        hostname: '127.0.0.1',
        port: driverPort,
        logLevel: 'error',
        connectionRetryCount: 0,
        capabilities: {
          browserName: 'wry',
          'tauri:options': { application: APP },
          // WebKitWebDriver speaks classic WebDriver, not BiDi.
          'wdio:enforceWebDriverClassic': true,
        },
      });
    } catch (error) {
      // tauri-driver now and then drops the request for a new session while
      // it starts WebKitWebDriver (the socket closes before any answer): ask
      // again. Anything else, or a third drop, is a failure.
      const dropped = /UND_ERR_SOCKET|ECONNRESET|socket hang up/.test(String(error?.message));
      if (!dropped || attempt >= 3) {
        error.message += `\n--- tauri-driver, WebKitWebDriver and the app printed:\n${driverLog().slice(-4000)}`;
        throw error;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** Waits for an element found by its accessible name (or a selector) to be shown. */
async function shown(app, selector, what, timeout = 20_000) {
  const element = app.$(selector);
  await element.waitForDisplayed({ timeout, timeoutMsg: `expected ${what} to be shown` });
  return element;
}

/** Runs `steps` on the app, saving a screenshot when they fail, then ends the session. */
async function withApp(name, steps) {
  const app = await openApp();
  try {
    await steps(app);
  } catch (error) {
    const shot = join(tmpdir(), `carnet-tablet-${name}-failure.png`);
    try {
      await app.saveScreenshot(shot);
      error.message += ` (screenshot: ${shot})`;
    } catch {
      // The app is gone: what it and the drivers printed says why.
      error.message += `\n--- tauri-driver, WebKitWebDriver and the app printed:\n${driverLog().slice(-4000)}`;
    }
    throw error;
  } finally {
    await app.deleteSession().catch(() => {});
  }
}

/** Waits for an element of the main region holding `text`, and checks it is shown once scrolled to. */
async function mainShows(app, text, what) {
  const element = app.$(`//main//*[contains(text(), "${text}")]`);
  await element.waitForExist({ timeout: 20_000, timeoutMsg: `expected ${what} in the page` });
  await element.scrollIntoView();
  await element.waitForDisplayed({ timeout: 5_000, timeoutMsg: `expected ${what} to be shown` });
}

async function heading(app, text, timeout) {
  return shown(app, `h1=${text}`, `the heading "${text}"`, timeout);
}

test('the tablet app starts, unlocks, records a visit, and keeps it after a restart', { timeout: 240_000 }, async () => {
  await withApp('first-run', async (app) => {
    await heading(app, 'Bienvenue dans Carnet', 60_000);
    await (await shown(app, 'aria/Votre nom', 'the worker name field')).setValue(WORKER);
    const device = await shown(app, 'aria/Nom de la tablette', 'the tablet name field');
    await device.clearValue();
    await device.setValue(DEVICE);
    await (await shown(app, 'aria/Phrase de passe ou code', 'the passphrase field')).setValue(PASSPHRASE);
    await (await shown(app, 'aria/La même phrase de passe, une seconde fois', 'the confirmation field')).setValue(PASSPHRASE);
    await (await shown(app, 'button=Créer le carnet', 'the create button')).click();
    await heading(app, 'Personnes suivies', 60_000);
    assert.ok(
      existsSync(join(dataHome, IDENTIFIER, 'notebook')),
      `the notebook should be in the app data directory ${join(dataHome, IDENTIFIER, 'notebook')}`,
    );

    await (await shown(app, 'a=Ajouter une personne', 'the link "Ajouter une personne"')).click();
    await (await shown(app, 'aria/Nom (obligatoire)', 'the name field')).setValue(PERSON);
    await (await shown(app, 'aria/Commune', 'the commune field')).setValue('Felletin');
    await (await shown(app, 'button=Ouvrir le dossier', 'the button "Ouvrir le dossier"')).click();
    await heading(app, PERSON);

    await (await shown(app, 'a=Nouvelle visite', 'the link "Nouvelle visite"')).click();
    await heading(app, 'Nouvelle visite');
    await (await shown(app, 'aria/Note', 'the note field')).setValue(NOTE);
    // Saved as you type: the indicator says "Enregistré à HH:MM".
    await app.waitUntil(
      async () => /Enregistré à \d{1,2}:\d{2}/.test(await app.$('main').getText()),
      { timeout: 20_000, timeoutMsg: 'expected the visit to be saved as typed ("Enregistré à …")' },
    );
    await (await shown(app, 'a=Retour au dossier', 'the link "Retour au dossier"')).click();
    await heading(app, PERSON);
    await mainShows(app, NOTE, 'the visit note in the case file');
  });

  // The app stops with its session; a new one starts it again, locked.
  await withApp('restart', async (app) => {
    await heading(app, 'Carnet verrouillé', 60_000);
    const passphrase = await shown(app, 'aria/Phrase de passe ou code', 'the passphrase field');
    await passphrase.setValue('pas la bonne phrase');
    await (await shown(app, 'button=Déverrouiller', 'the unlock button')).click();
    await app.waitUntil(
      async () => (await app.$('[role="alert"]').getText()).includes('Phrase de passe ou code incorrect. Rien n’a été modifié.'),
      { timeout: 20_000, timeoutMsg: 'expected the wrong-passphrase alert' },
    );
    await heading(app, 'Carnet verrouillé');
    await passphrase.clearValue();
    await passphrase.setValue(PASSPHRASE);
    await (await shown(app, 'button=Déverrouiller', 'the unlock button')).click();
    await heading(app, 'Personnes suivies', 60_000);
    await (await shown(app, `a*=${PERSON}`, `${PERSON} in the caseload`)).click();
    await heading(app, PERSON);
    await mainShows(app, NOTE, 'the visit note, after the restart');
  });
});
