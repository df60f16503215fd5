// The real programs the browser tests run: `carnet-serve` on a notebook
// directory, a `carnet-hub` on a free loopback port, and the `carnet`
// command line for setting notebooks up (a team lead, invites, demo data).
// Each server is started here, its address read from what it prints, and
// stopped at the end by its own PID only; temporary directories made here
// are removed with it.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

/** Where the debug builds are: CARGO_TARGET_DIR when set, else target/ of this checkout. */
const TARGET_DEBUG = join(process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target'), 'debug');

/** The browser-mode server: $CARNET_SERVE, or the debug build. */
export const SERVE_BIN = process.env.CARNET_SERVE ? resolve(process.env.CARNET_SERVE) : join(TARGET_DEBUG, 'carnet-serve');

// The hub and the command line sit next to carnet-serve unless named, so
// pointing CARNET_SERVE at a build finds the other two of the same build.
/** The team hub: $CARNET_HUB, or `carnet-hub` next to carnet-serve. */
export const HUB_BIN = process.env.CARNET_HUB ? resolve(process.env.CARNET_HUB) : join(dirname(SERVE_BIN), 'carnet-hub');

/** The command line: $CARNET_CLI, or `carnet` next to carnet-serve. */
export const CLI_BIN = process.env.CARNET_CLI ? resolve(process.env.CARNET_CLI) : join(dirname(SERVE_BIN), 'carnet');

/** The built UI: $CARNET_UI, or ui/dist of this checkout. */
export const UI_DIR = process.env.CARNET_UI ? resolve(process.env.CARNET_UI) : join(repo, 'ui', 'dist');

const BUILD = 'run `cargo build -p carnet-app -p carnet-device -p carnet-hub --bins`';

function needBinary(path, variable) {
  if (!existsSync(path)) {
    throw new Error(`${path} is not built: ${BUILD} (or set ${variable} to the binary)`);
  }
}

/** A new temporary directory: `{ path, remove() }`. */
export function tempDir(prefix = 'carnet-browser-') {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Starts `bin args`, waits until a line of its standard output matches
 * `ready`, and resolves with `{ match, pid, stderr(), running(), stop() }`.
 * `stop()` sends `signal` to this PID only, then SIGKILL after 5 s, and runs
 * `cleanup` once the process is gone. If the test process exits without
 * stopping it, the child is killed too.
 */
async function startServer({ name, bin, args, ready, signal, cleanup = () => {}, startTimeoutMs }) {
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const onExit = () => {
    if (running()) child.kill('SIGKILL');
  };
  process.on('exit', onExit);
  const exited = new Promise((resolveExit) => child.once('exit', (code, sig) => resolveExit({ code, signal: sig })));

  const match = await new Promise((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`${name} printed no address within ${startTimeoutMs} ms; stdout: ${out}; stderr: ${stderr}`));
    }, startTimeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const line of out.split('\n')) {
        const m = ready.exec(line);
        if (m) {
          clearTimeout(timer);
          resolveReady(m);
          return;
        }
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not start: ${e.message}`));
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${name} stopped before printing its address (code ${code}, signal ${sig}): ${stderr}`));
    });
  }).catch((e) => {
    onExit();
    process.off('exit', onExit);
    cleanup();
    throw e;
  });

  let stopped = null;
  function stop() {
    stopped ??= (async () => {
      if (running()) {
        child.kill(signal);
        const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5_000));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', onExit);
      cleanup();
    })();
    return stopped;
  }

  return { match, pid: child.pid, stderr: () => stderr, running, stop };
}

const OPEN_LINE = /^Carnet is open at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))\s*$/;

/**
 * Starts carnet-serve on the notebook directory `dir`, or on a new empty
 * one in a temporary directory (removed at `stop()`; a `dir` given is left
 * as it is). Resolves with `{ url, origin, port, token, dir, pid, stderr(),
 * running(), stop() }` once the server has printed its address.
 */
export async function startCarnet({ dir = null, startTimeoutMs = 20_000 } = {}) {
  needBinary(SERVE_BIN, 'CARNET_SERVE');
  if (!existsSync(join(UI_DIR, 'index.html'))) {
    throw new Error(`the UI is not built in ${UI_DIR}: run \`npm --prefix ui run build\``);
  }
  const tmp = dir === null ? tempDir() : null;
  const notebook = dir ?? join(tmp.path, 'notebook');
  const server = await startServer({
    name: 'carnet-serve',
    bin: SERVE_BIN,
    args: ['--dir', notebook, '--ui', UI_DIR, '--listen', '127.0.0.1:0'],
    ready: OPEN_LINE,
    // Ctrl-C is its graceful shutdown.
    signal: 'SIGINT',
    cleanup: () => tmp?.remove(),
    startTimeoutMs,
  });
  const [, url, port, token] = server.match;
  return {
    url,
    port: Number(port),
    token,
    origin: `http://127.0.0.1:${port}`,
    dir: notebook,
    pid: server.pid,
    stderr: server.stderr,
    running: server.running,
    stop: server.stop,
  };
}

const HUB_LINE = /^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/;

/**
 * Starts a real `carnet-hub serve` on a free loopback port with its data in
 * a temporary directory (removed at `stop()`). Resolves with `{ url, pid,
 * stderr(), running(), stop() }`.
 */
export async function startHub({ startTimeoutMs = 20_000 } = {}) {
  needBinary(HUB_BIN, 'CARNET_HUB');
  const tmp = tempDir('carnet-hub-');
  const server = await startServer({
    name: 'carnet-hub',
    bin: HUB_BIN,
    args: ['serve', '--data', join(tmp.path, 'hub'), '--listen', '127.0.0.1:0'],
    ready: HUB_LINE,
    signal: 'SIGTERM',
    cleanup: () => tmp.remove(),
    startTimeoutMs,
  });
  return { url: server.match[1], pid: server.pid, stderr: server.stderr, running: server.running, stop: server.stop };
}

/**
 * The `carnet` command line on the notebook in `dir`, opened with
 * `passphrase` (given through CARNET_PASSPHRASE, as scripts do).
 * `run(...args)` runs `carnet --json --data DIR ARGS` and resolves with its
 * parsed JSON; it rejects with what the command printed when it fails.
 */
export function carnetCli(dir, passphrase) {
  needBinary(CLI_BIN, 'CARNET_CLI');
  const env = { ...process.env, CARNET_PASSPHRASE: passphrase };
  delete env.CARNET_DATA;
  return {
    dir,
    run: (...args) =>
      new Promise((resolveRun, reject) => {
        execFile(
          CLI_BIN,
          ['--json', '--data', dir, ...args],
          { env, maxBuffer: 256 * 1024 * 1024 },
          (error, stdout, stderr) => {
            if (error) {
              reject(new Error(`carnet ${args.join(' ')} failed (${error.code ?? error.signal}): ${stdout}${stderr}`));
              return;
            }
            try {
              resolveRun(JSON.parse(stdout));
            } catch (e) {
              reject(new Error(`carnet ${args.join(' ')} printed no JSON (${e.message}): ${stdout}`));
            }
          },
        );
      }),
  };
}

/**
 * A team on `hub`, led by a notebook made with the command line in `dir`:
 * resolves with `{ lead, team, invite(role) }`, where `invite()` resolves
 * with a new single-use code.
 */
export async function createTeam({ hub, dir, passphrase, worker = 'Responsable', deviceName = 'Poste de la responsable' }) {
  const lead = carnetCli(dir, passphrase);
  await lead.run('init', '--worker', worker, '--device-name', deviceName);
  const team = await lead.run('team', 'create', '--hub', hub.url);
  return {
    lead,
    team,
    invite: async (role = 'worker') => (await lead.run('team', 'invite', '--role', role)).code,
  };
}
