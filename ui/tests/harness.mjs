// Shared helpers for the dashboard's browser tests (docs/dashboard.md, "Browser tests").
//
//   import { startGateway, launchBrowser, signIn, screenshot, watchPage } from './harness.mjs';
//   const gateway = await startGateway();          // the real gateway (built Cli dll) + the fake model
//   const browser = await launchBrowser();         // Debian's /usr/bin/chromium, headless
//   const page = await browser.newPage();
//   await signIn(page, gateway);                   // with the gateway token; lands on the overview
//   await screenshot(page, 'overview');            // ui/tests/artifacts/overview.png
//   … await gateway.stop(); await browser.close();
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, selectors } from 'playwright-core';
import { startFakeModel } from './fake-model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const artifactsDir = path.join(here, 'artifacts');

/**
 * Starts scripts/mock-telegram.mjs (the fake Telegram Bot API) on a free loopback port, checking the bot token.
 * Returns { url, token, push({text, from?}), sent(), waitForSent(substring), stop() }.
 */
export async function startMockTelegram(token = '123456:ui-test-telegram-token') {
  const proc = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'mock-telegram.mjs'), '0', token], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const url = await waitFor(() => {
    if (proc.exitCode !== null) throw new Error(`mock-telegram exited:\n${output}`);
    return /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
  }, 'mock-telegram listening');
  const sent = async () => (await fetch(`${url}/_sent`)).json();
  return {
    url,
    token,
    /** Queues a message from a Telegram user (a private chat; `from` is the user id, named User<from>). */
    async push(message) {
      const response = await fetch(`${url}/_push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
      if (!response.ok) throw new Error(`mock-telegram /_push: ${response.status}`);
    },
    /** What the bot has sent so far: [{kind: 'send'|'edit', chatId, messageId, text}]. */
    sent,
    /** Waits until the bot sent (to `chatId`, when given) a text containing `substring`; returns that message. */
    waitForSent(substring, chatId) {
      return waitFor(async () => (await sent()).find((m) => m.text.includes(substring) && (chatId === undefined || m.chatId === String(chatId))), `the bot sent "${substring}"`);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

// Views mark what tests look for with data-test="…" (page.getByTestId).
selectors.setTestIdAttribute('data-test');

/** Generous: a loaded 2-core machine starts a Debug gateway in a few seconds. */
export const Timeout = 60_000;

/** The built CLI: $OPENCLAW_CLI_DLL, else the newer of the Release and Debug builds. */
export function cliDll() {
  if (process.env.OPENCLAW_CLI_DLL) return process.env.OPENCLAW_CLI_DLL;
  const candidates = ['Release', 'Debug']
    .map((c) => path.join(repoRoot, 'src', 'OpenClaw.Cli', 'bin', c, 'net10.0', 'openclaw.dll'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (candidates.length === 0) {
    throw new Error('The CLI is not built: run `dotnet build src/OpenClaw.Cli` first (or set OPENCLAW_CLI_DLL).');
  }
  return candidates[0];
}

/** A free loopback port (closed again before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until fn() returns a truthy value or the timeout passes (then throws with the message). */
export async function waitFor(fn, message, timeout = Timeout) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out: ${message}${last instanceof Error ? ` (${last.message})` : ''}`);
}

function deepMerge(base, extra) {
  if (!extra || typeof extra !== 'object' || Array.isArray(extra)) return extra ?? base;
  const out = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? deepMerge(base?.[key] ?? {}, value) : value;
  }
  return out;
}

/**
 * Starts the real gateway over a temporary state directory, its default agent pointed at the fake model.
 * options.config is merged over the default config (e.g. { agents: { default: { tools: { approval: 'always' } } } }).
 * options.model: options for startFakeModel. options.telegram: true also starts the fake Telegram Bot API
 * (startMockTelegram) and enables the Telegram channel against it (dmPolicy "pairing": strangers get a pairing code).
 * Returns { url, token, port, stateDir, model, telegram?, output(), rpc(), stop(), restart() }.
 */
export async function startGateway(options = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'openclaw-ui-'));
  const stateDir = path.join(root, 'state');
  const home = path.join(root, 'home');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  const model = await startFakeModel(options.model);
  const telegram = options.telegram ? await startMockTelegram() : null;
  const config = deepMerge(
    {
      providers: { fake: { type: 'openai-compatible', baseUrl: model.url, maxRetries: 0 } },
      agents: { default: { model: 'fake/fake', tools: { approval: 'never' } } },
      // The bot token comes from the environment, as a real deployment's would (never a literal in the file).
      ...(telegram ? { channels: { telegram: { enabled: true, apiBaseUrl: telegram.url, botToken: '${OPENCLAW_UI_TELEGRAM_TOKEN}' } } } : {}),
    },
    options.config,
  );
  writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify(config, null, 2));
  const token = randomBytes(24).toString('hex');
  // The same port across restart(), so the page's WebSocket finds the gateway again.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dll = cliDll();
  let child = null;
  let output = '';

  const env = { ...process.env, OPENCLAW_STATE_DIR: stateDir, HOME: home, OPENCLAW_GATEWAY_TOKEN: token, ...(options.env ?? {}) };
  if (telegram) env.OPENCLAW_UI_TELEGRAM_TOKEN = telegram.token;
  delete env.OPENCLAW_CONFIG_PATH;
  delete env.OPENCLAW_MASTER_PASSWORD;

  async function start() {
    const proc = spawn(process.env.DOTNET_HOST_PATH || 'dotnet', [dll, 'gateway', 'run', '--port', String(port)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    let exited = false;
    proc.on('exit', () => (exited = true));
    await waitFor(async () => {
      if (exited) throw new Error(`the gateway exited:\n${output}`);
      const response = await fetch(`${url}/health/ready`).catch(() => null);
      return response?.status === 200;
    }, `gateway ready at ${url}`).catch((error) => {
      throw new Error(`${error.message}\n--- gateway output ---\n${output}`);
    });
  }

  async function stopProcess() {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url,
    token,
    port,
    stateDir,
    model,
    telegram,
    /** Everything the gateway has written so far. */
    output: () => output,
    /** Calls a method over HTTP with the gateway token: resolves with the result, rejects with the error. */
    async rpc(method, params = {}, credential = token) {
      const response = await fetch(`${url}/rpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      });
      const body = await response.json();
      if (body.error) throw Object.assign(new Error(body.error.message), body.error);
      return body.result;
    },
    /** Stops the gateway (SIGTERM) and keeps its state; start() brings it back on the same port. */
    stopProcess,
    start,
    /** Stops and starts the gateway again on the same port and state. */
    async restart() {
      await stopProcess();
      await start();
    },
    /** Stops the gateway and the fake model and removes the state. */
    async stop() {
      await stopProcess();
      await model.stop();
      await telegram?.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's Chromium headless (never a downloaded browser). */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium was not found at ${executablePath}: apt-get install -y chromium (scripts/setup.sh does).`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // As root (CI containers) Chromium refuses to start with its sandbox.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/**
 * Records what a test must not see: page errors, console errors (CSP violations are reported there) and dialogs
 * (an alert() from injected markup). Returns { errors, dialogs }.
 */
export function watchPage(page) {
  const seen = { errors: [], dialogs: [] };
  page.on('pageerror', (error) => seen.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

/** Signs in with the gateway token and waits for the overview with the connection open. */
export async function signIn(page, gateway) {
  await page.goto(`${gateway.url}/signin`);
  await page.getByTestId('tab-token').click();
  await page.getByTestId('token').fill(gateway.token);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(`${gateway.url}/`, { timeout: Timeout });
  await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });
}

/** Saves a full-page screenshot to ui/tests/artifacts/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
