// The CLI issue's "done when", as a new user would do it from the README: `openclaw onboard` (a local
// OpenAI-compatible model), `openclaw gateway run`, `openclaw status`, `openclaw doctor`, then the address from
// `openclaw dashboard`, signing in with what `openclaw gateway token` prints, and a chat in the dashboard.
// Every step uses only what the CLI printed in the step before.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliDll, freePort, launchBrowser, screenshot, signIn, Timeout, waitFor, watchPage } from './harness.mjs';
import { startFakeModel } from './fake-model.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'openclaw-first-run-'));
const env = { ...process.env, OPENCLAW_STATE_DIR: path.join(root, 'state'), HOME: path.join(root, 'home') };
for (const name of ['OPENCLAW_GATEWAY_TOKEN', 'OPENCLAW_CONFIG_PATH', 'OPENCLAW_MASTER_PASSWORD', 'NO_COLOR']) delete env[name];
const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** Runs `openclaw <args>` to its end: { code, stdout, stderr }. */
function openclaw(...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.DOTNET_HOST_PATH || 'dotnet', [cliDll(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`openclaw ${args.join(' ')} hung:\n${stdout}${stderr}`)); }, Timeout);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

test('a new user onboards, starts the gateway, checks it, and chats in the dashboard', async () => {
  const model = await startFakeModel();
  cleanups.push(() => model.stop());

  // 1. onboard, non-interactively (the wizard itself is tested under a pseudo-terminal in OpenClaw.Cli.Tests).
  const onboard = await openclaw('onboard', '--non-interactive', '--provider', 'openai-compatible', '--base-url', model.url, '--model', 'fake');
  assert.equal(onboard.code, 0, onboard.stdout + onboard.stderr);
  for (const next of ['openclaw gateway run', 'openclaw status', 'openclaw dashboard']) {
    assert.ok(onboard.stdout.includes(next), `onboard's next steps name \`${next}\`:\n${onboard.stdout}`);
  }

  // 2. gateway run, on a port of its own (a test cannot count on 18789 being free), set the way a user would.
  const port = await freePort();
  const set = await openclaw('config', 'set', 'gateway.port', String(port));
  assert.equal(set.code, 0, set.stdout + set.stderr);
  const gateway = spawn(process.env.DOTNET_HOST_PATH || 'dotnet', [cliDll(), 'gateway', 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let gatewayOutput = '';
  gateway.stdout.on('data', (d) => (gatewayOutput += d));
  gateway.stderr.on('data', (d) => (gatewayOutput += d));
  cleanups.push(async () => {
    if (gateway.exitCode !== null) return;
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
  });
  await waitFor(() => gatewayOutput.includes('listening on') || gateway.exitCode !== null, 'the gateway says where it listens');
  assert.equal(gateway.exitCode, null, gatewayOutput);

  // 3. status and doctor agree that it runs and is healthy.
  const status = await waitFor(async () => {
    const run = await openclaw('status');
    return run.code === 0 ? run : null;
  }, 'openclaw status sees the gateway running');
  assert.match(status.stdout, new RegExp(`gateway\\s+running at http://127\\.0\\.0\\.1:${port}`));
  assert.match(status.stdout, /agents\s+default: local\/fake/);
  const doctor = await openclaw('doctor');
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /ok\s+gateway\.port\s+.*serving this gateway/);

  // 4. The dashboard's address and the token, from the CLI.
  const dashboard = await openclaw('dashboard', '--no-open');
  assert.equal(dashboard.code, 0, dashboard.stderr);
  const url = dashboard.stdout.split('\n').find((line) => line.startsWith('http://'))?.trim();
  assert.ok(url, `openclaw dashboard printed a URL:\n${dashboard.stdout}`);
  assert.ok(dashboard.stdout.includes('openclaw gateway token'), 'it says how to sign in');
  const tokenRun = await openclaw('gateway', 'token');
  assert.equal(tokenRun.code, 0, tokenRun.stderr);
  const token = tokenRun.stdout.trim().split('\n').at(-1).trim();
  assert.ok(token.length >= 32 && !url.includes(token), 'a token, and not in the URL');

  // 5. Sign in and chat.
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  const seen = watchPage(page);
  await signIn(page, { url: url.replace(/\/$/, ''), token });
  await page.goto(new URL('/chat', url).toString());
  await waitFor(async () => (await page.getByTestId('agent-select').inputValue()) === 'default', 'the default agent is picked');
  await page.getByTestId('new-chat').click();
  await page.getByTestId('chat-input').fill('hello from a new user');
  await page.getByTestId('chat-send').click();
  await page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: 'You said: hello from a new user' })
    .waitFor({ timeout: Timeout });
  await screenshot(page, 'first-run-chat');
  assert.deepEqual(seen.errors, []);
  assert.ok(model.requests.length >= 1, 'the reply came from the configured model');
});
