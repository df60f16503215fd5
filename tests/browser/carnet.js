// Starts `carnet-serve` on a fresh, empty notebook directory for one test
// run, reads the address it prints, and stops it (by its own PID only).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

/** The binary: $CARNET_SERVE, or the debug build of this checkout. */
export const SERVE_BIN = process.env.CARNET_SERVE
  ? resolve(process.env.CARNET_SERVE)
  : join(repo, 'target', 'debug', 'carnet-serve');

/** The built UI: $CARNET_UI, or ui/dist of this checkout. */
export const UI_DIR = process.env.CARNET_UI ? resolve(process.env.CARNET_UI) : join(repo, 'ui', 'dist');

const OPEN_LINE = /^Carnet is open at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))\s*$/;

/**
 * Starts carnet-serve on a new temporary notebook directory.
 * Resolves with `{ url, origin, token, dir, pid, stderr(), stop() }` once the
 * server has printed its address.
 */
export async function startCarnet({ startTimeoutMs = 20_000 } = {}) {
  if (!existsSync(SERVE_BIN)) {
    throw new Error(
      `carnet-serve not found at ${SERVE_BIN}: run \`cargo build -p carnet-app --bin carnet-serve\` ` +
        '(or set CARNET_SERVE to the binary)',
    );
  }
  if (!existsSync(join(UI_DIR, 'index.html'))) {
    throw new Error(`the UI is not built in ${UI_DIR}: run \`npm --prefix ui run build\``);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'carnet-browser-'));
  const dir = join(tmp, 'notebook');
  const child = spawn(SERVE_BIN, ['--dir', dir, '--ui', UI_DIR, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  // If the test process dies without running its cleanup, the server goes too.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', onExit);

  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  const opened = await new Promise((resolveOpen, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`carnet-serve printed no address within ${startTimeoutMs} ms; stdout: ${out}; stderr: ${stderr}`));
    }, startTimeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const line of out.split('\n')) {
        const m = OPEN_LINE.exec(line);
        if (m) {
          clearTimeout(timer);
          resolveOpen({ url: m[1], port: Number(m[2]), token: m[3] });
          return;
        }
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`carnet-serve could not start: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`carnet-serve stopped before printing its address (code ${code}, signal ${signal}): ${stderr}`));
    });
  }).catch((e) => {
    onExit();
    process.off('exit', onExit);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  });

  let stopped = null;
  async function stop() {
    if (stopped) return stopped;
    stopped = (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // Ctrl-C is its graceful shutdown; this PID only.
        child.kill('SIGINT');
        const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5_000));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', onExit);
      rmSync(tmp, { recursive: true, force: true });
    })();
    return stopped;
  }

  return {
    ...opened,
    origin: `http://127.0.0.1:${opened.port}`,
    dir,
    pid: child.pid,
    stderr: () => stderr,
    running: () => child.exitCode === null && child.signalCode === null,
    stop,
  };
}
