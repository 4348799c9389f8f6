// A private VS Code (code-server) with ConvLens installed: for `npm start` and the E2E tests.
// Everything lives under a profile folder; the server binds 127.0.0.1 only. `npm start` protects
// it with a password (any local process could otherwise reach its terminal); the E2E's throwaway
// servers on random ports run without one.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CODE_SERVER = path.join(ROOT, '.convlens-editor', 'node_modules', '.bin', 'code-server');
const VSIX = path.join(ROOT, 'dist', 'convlens-linux-x64.vsix');

/** Installs chromium / code-server if missing (scripts/setup-editor.sh is idempotent). */
export function ensureEditor() {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-editor.sh')], { stdio: 'inherit' });
}

/** Builds the bundles and the VSIX. */
export function packageExtension() {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(VSIX)) throw new Error(`packaging did not produce ${VSIX}`);
}

function waitFor(url, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = async () => {
      try {
        const res = await fetch(url, { redirect: 'manual' });
        if (res.status < 500) return resolve();
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) return reject(new Error(`code-server did not answer at ${url} within ${ms} ms`));
      setTimeout(poll, 250);
    };
    void poll();
  });
}

/**
 * Starts code-server on `workspace` with a fresh install of the packaged extension. With `trust`,
 * workspace trust is on (the folder opens in Restricted Mode until trusted). With `password`, the
 * editor asks for it (--auth password).
 * Returns the URL and a stop() function.
 */
export async function startEditor({ workspace, profile, port = 0, settings = {}, trust = false, password = null }) {
  const dirs = { data: path.join(profile, 'data'), extensions: path.join(profile, 'extensions'), config: path.join(profile, 'config') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data };
  // code-server takes the password from the environment only (never the command line, which `ps` shows).
  if (password) env.PASSWORD = password;
  else delete env.PASSWORD;
  execFileSync(CODE_SERVER, ['--install-extension', VSIX, '--force', '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.data], { env, stdio: 'ignore' });
  mkdirSync(path.join(dirs.data, 'User'), { recursive: true });
  writeFileSync(path.join(dirs.data, 'User', 'settings.json'), JSON.stringify({
    'workbench.reduceMotion': 'on',
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': trust,
    'git.openRepositoryInParentFolders': 'never',
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    ...settings,
  }, null, 2));
  const chosenPort = port || 8700 + Math.floor(Math.random() * 200);
  const server = spawn(CODE_SERVER, [
    '--bind-addr', `127.0.0.1:${chosenPort}`, '--auth', password ? 'password' : 'none', '--disable-telemetry', '--disable-update-check',
    ...(trust ? [] : ['--disable-workspace-trust']), '--user-data-dir', dirs.data, '--extensions-dir', dirs.extensions, workspace,
  ], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${chosenPort}/?folder=${encodeURIComponent(workspace)}`;
  try {
    await waitFor(`http://127.0.0.1:${chosenPort}/healthz`, 60_000);
  } catch (e) {
    server.kill();
    throw new Error(`${e.message}\n${log}`);
  }
  return {
    url,
    log: () => log,
    stop: () => new Promise((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    }),
  };
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
