// The Channels and Config pages against the real gateway, its Telegram channel talking to the fake Bot API
// (scripts/mock-telegram.mjs): channel status and probe, pairing codes from strangers approved and rejected (and the
// stranger told), config shown with secrets masked, an invalid edit refused at its field, a valid edit saved.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir, launchBrowser, screenshot, signIn, startGateway, waitFor, watchPage, Timeout } from './harness.mjs';

/** A screenshot of what is on screen around `locator` (the tree is long; a full-page one is too small to read). */
async function screenshotAround(page, locator, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await locator.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe('channels and config', () => {
  let gateway;
  let browser;

  before(async () => {
    gateway = await startGateway({ telegram: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  /** A stranger writes to the bot; resolves with the pairing code the bot sent them. */
  async function strangerAsks(from, name) {
    await gateway.telegram.push({ text: 'hello bot', from, name });
    const message = await gateway.telegram.waitForSent('pairing code', from);
    const code = /pairing code is\s*(?:<b>|\*\*)?([A-Z0-9]{8})/.exec(message.text)?.[1];
    assert.ok(code, `no code in the bot's message: ${message.text}`);
    return code;
  }

  async function openChannels(page) {
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor({ timeout: Timeout });
  }

  async function openConfig(page) {
    await page.getByRole('link', { name: 'Config' }).click();
    await page.getByTestId('config-tree').waitFor({ timeout: Timeout });
  }

  const node = (page, path) => page.locator(`[data-test="config-node"][data-path="${path}"]`);

  test('the channels page shows Telegram connected as the bot, and a probe checks it now', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openChannels(page);

    const card = page.getByTestId('channel-telegram');
    await page.locator('[data-test="channel-telegram"][data-connected="true"]').waitFor({ timeout: Timeout });
    assert.equal(await card.getByTestId('channel-state').innerText(), 'Connected as @smoke_bot');
    assert.equal(await card.getByTestId('channel-account').innerText(), '@smoke_bot');
    // Web chat is a channel too, always connected.
    await page.getByTestId('channel-webchat').waitFor({ timeout: Timeout });

    await card.getByRole('button', { name: 'Probe telegram' }).click();
    const result = card.getByTestId('probe-result');
    await result.waitFor({ timeout: Timeout });
    assert.match(await result.innerText(), /Connected as @smoke_bot/);
    await page.getByTestId('pairing-empty').waitFor({ timeout: Timeout });
    assert.deepEqual(seen.errors, []);
    await screenshot(page, 'channels');
    await page.getByTestId('theme-toggle').click();
    await screenshot(page, 'channels-other-theme');
    await page.close();
  });

  test('a stranger gets a code that appears live; approving it removes it and the stranger is told', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openChannels(page);
    await page.getByTestId('pairing-empty').waitFor({ timeout: Timeout });

    const name = '<img src=x onerror=alert(1)>';
    const code = await strangerAsks(5001, name);
    // No reload: the `channels` topic tells the page.
    const item = page.locator(`[data-test="pending-item"][data-code="${code}"]`);
    await item.waitFor({ timeout: Timeout });
    assert.equal(await item.getByTestId('pending-code').innerText(), code);
    assert.equal(await item.getByTestId('pending-sender-name').innerText(), name);
    assert.equal(await item.getByTestId('pending-sender-id').innerText(), '5001');
    assert.equal(await page.locator('[data-test="pending-list"] img').count(), 0);
    await screenshot(page, 'channels-pending');

    await item.getByRole('button', { name: `Approve ${code}` }).click();
    await item.waitFor({ state: 'detached', timeout: Timeout });
    assert.match(await page.getByTestId('pairing-notice').innerText(), /Approved .*\(5001\) on telegram/);
    await gateway.telegram.waitForSent('You are paired', 5001);
    // The sender is now listed as paired, their name still as text.
    const paired = page.getByTestId('paired-list');
    await paired.getByText('5001').waitFor({ timeout: Timeout });
    assert.equal(await paired.locator('img').count(), 0);
    const list = await gateway.rpc('pairing.list');
    assert.deepEqual(list.pending, []);
    assert.ok(list.paired.some((p) => p.senderId === '5001'));
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('a code that came while the page was closed shows on opening it; rejecting it tells the stranger', async () => {
    const code = await strangerAsks(5002, 'Mallory');
    const page = await browser.newPage();
    await signIn(page, gateway);
    await openChannels(page);
    const item = page.locator(`[data-test="pending-item"][data-code="${code}"]`);
    await item.waitFor({ timeout: Timeout });
    assert.equal(await item.getByTestId('pending-sender-name').innerText(), 'Mallory');

    await item.getByRole('button', { name: `Reject ${code}` }).click();
    await item.waitFor({ state: 'detached', timeout: Timeout });
    assert.match(await page.getByTestId('pairing-notice').innerText(), /Rejected the code from Mallory \(5002\)/);
    await gateway.telegram.waitForSent('declined', 5002);
    const list = await gateway.rpc('pairing.list');
    assert.ok(!list.paired.some((p) => p.senderId === '5002'));
    assert.ok(!list.pending.some((p) => p.code === code));
    await page.close();
  });

  test('on a phone the channels page fits the screen', async () => {
    const code = await strangerAsks(5003, 'Phone Stranger');
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/channels`);
    await page.locator(`[data-test="pending-item"][data-code="${code}"]`).waitFor({ timeout: Timeout });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(page, 'channels-phone');
    await context.close();
  });

  test('the config shows secrets masked and never the secret itself', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openConfig(page);
    const token = node(page, 'channels.telegram.botToken');
    await token.waitFor({ timeout: Timeout });
    assert.equal(await token.getByTestId('config-value').innerText(), '*** (secret, hidden)');
    assert.ok(!(await page.content()).includes(gateway.telegram.token));
    // Restart-only keys say so.
    assert.equal(await node(page, 'gateway.port').locator('.restart').count(), 1);

    await page.getByTestId('mode-json').click();
    const json = page.getByTestId('config-json');
    await json.waitFor({ timeout: Timeout });
    const shown = JSON.parse(await json.innerText());
    assert.equal(shown.channels.telegram.botToken, '***');
    assert.ok(!(await page.content()).includes(gateway.telegram.token));
    await screenshot(page, 'config-json');
    await page.getByTestId('mode-tree').click();
    await screenshot(page, 'config');
    await page.getByTestId('theme-toggle').click();
    await screenshotAround(page, node(page, 'channels.telegram.botToken'), 'config-other-theme');
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('an edit with the wrong type is refused at its field and nothing is saved', async () => {
    const path = 'gateway.limits.maxConcurrentRuns';
    const before = (await gateway.rpc('config.get', { path })).value;
    const page = await browser.newPage();
    await signIn(page, gateway);
    await openConfig(page);
    const field = node(page, path);
    await field.getByRole('button', { name: `Edit ${path}` }).click();
    const editor = field.getByTestId('field-editor');
    await editor.waitFor({ timeout: Timeout });
    await editor.getByLabel('Type').selectOption('string');
    await editor.getByLabel('Value').fill('four');
    await editor.getByRole('button', { name: 'Save' }).click();

    // The error is at this field (inside its editor), tied to the input.
    const error = editor.getByTestId('field-error');
    await error.first().waitFor({ timeout: Timeout });
    assert.match(await error.first().innerText(), /expected an integer/);
    assert.equal(await editor.getByLabel('Value').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('save-result').count(), 0);
    assert.equal((await gateway.rpc('config.get', { path })).value, before);
    await screenshotAround(page, editor, 'config-error');

    // A number that is not one is caught before anything is sent.
    await editor.getByLabel('Type').selectOption('number');
    await editor.getByLabel('Value').fill('4x');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByTestId('field-error').filter({ hasText: 'Enter a number' }).waitFor({ timeout: Timeout });
    // Escape closes the editor and the keyboard is back on the key's Edit button.
    await editor.getByLabel('Value').press('Escape');
    await editor.waitFor({ state: 'detached', timeout: Timeout });
    await waitFor(
      () => page.evaluate((label) => document.activeElement?.getAttribute('aria-label') === label, `Edit ${path}`),
      'focus back on the Edit button',
    );
    assert.equal((await gateway.rpc('config.get', { path })).value, before);
    await page.close();
  });

  test('an unknown key is refused at the key path field', async () => {
    const page = await browser.newPage();
    await signIn(page, gateway);
    await openConfig(page);
    await page.getByTestId('set-key').click();
    const editor = page.locator('.new-key').getByTestId('field-editor');
    await editor.getByLabel('Key path').fill('gateway.noSuchKey');
    await editor.getByLabel('Type').selectOption('number');
    await editor.getByLabel('Value').fill('1');
    await editor.getByRole('button', { name: 'Save' }).click();
    const error = editor.getByTestId('field-error').first();
    await error.waitFor({ timeout: Timeout });
    assert.equal(await error.getAttribute('data-path'), 'gateway.noSuchKey');
    assert.match(await error.innerText(), /noSuchKey/);
    assert.equal(await editor.getByLabel('Key path').getAttribute('aria-invalid'), 'true');
    await assert.rejects(gateway.rpc('config.get', { path: 'gateway.noSuchKey' }), (e) => e.code === -32003);
    await page.close();
  });

  test('a JSON value with a wrong field inside shows the error at its line', async () => {
    const path = 'agents.default.tools';
    const before = (await gateway.rpc('config.get', { path })).value;
    const page = await browser.newPage();
    await signIn(page, gateway);
    await openConfig(page);
    const field = node(page, path);
    await field.getByRole('button', { name: `Edit ${path}` }).first().click();
    const editor = field.getByTestId('field-editor').first();
    assert.equal(await editor.getByLabel('Type').inputValue(), 'json');
    const text = await editor.getByLabel('Value').inputValue();
    assert.deepEqual(JSON.parse(text), before);
    const broken = text.replace(/"approval": "[a-z]+"/, '"approval": 5');
    assert.notEqual(broken, text);
    await editor.getByLabel('Value').fill(broken);
    await editor.getByRole('button', { name: 'Save' }).click();
    const error = editor.getByTestId('field-error').first();
    await error.waitFor({ timeout: Timeout });
    const line = broken.split('\n').findIndex((l) => l.includes('"approval": 5')) + 1;
    assert.equal(await error.getAttribute('data-path'), 'agents.default.tools.approval');
    assert.match(await error.innerText(), new RegExp(`\\(line ${line}\\)`));
    assert.deepEqual((await gateway.rpc('config.get', { path })).value, before);
    await screenshotAround(page, editor, 'config-json-error');
    await page.close();
  });

  test('a valid edit is saved, shown and in force; a restart-only key says a restart is needed', async () => {
    const path = 'gateway.limits.maxConcurrentRuns';
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openConfig(page);
    const field = node(page, path);
    await field.getByRole('button', { name: `Edit ${path}` }).click();
    const editor = field.getByTestId('field-editor');
    assert.equal(await editor.getByLabel('Type').inputValue(), 'number');
    await editor.getByLabel('Value').fill('7');
    await editor.getByLabel('Value').press('Enter');

    const result = page.getByTestId('save-result');
    await result.waitFor({ timeout: Timeout });
    assert.match(await result.innerText(), /Saved gateway\.limits\.maxConcurrentRuns = 7\. It is in force now\./);
    await waitFor(async () => (await field.getByTestId('config-value').innerText()) === '7', 'the tree shows 7');
    await field.getByTestId('saved-mark').waitFor({ timeout: Timeout });
    assert.equal((await gateway.rpc('config.get', { path })).value, 7);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'config-saved');

    const format = node(page, 'logging.format');
    const current = (await gateway.rpc('config.get', { path: 'logging.format' })).value;
    const next = current === 'json' ? 'text' : 'json';
    await format.getByRole('button', { name: 'Edit logging.format' }).click();
    await format.getByLabel('Value').fill(next);
    await format.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('restart-needed').waitFor({ timeout: Timeout });
    assert.match(await page.getByTestId('restart-needed').innerText(), /Restart the gateway to apply logging\.format/);
    assert.equal((await gateway.rpc('config.get', { path: 'logging.format' })).value, next);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('on a phone the config page fits the screen and a field can be edited', async () => {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/config`);
    await page.getByTestId('config-tree').waitFor({ timeout: Timeout });
    const field = node(page, 'gateway.limits.maxConcurrentRuns');
    await field.getByRole('button', { name: 'Edit gateway.limits.maxConcurrentRuns' }).click();
    await field.getByTestId('field-editor').waitFor({ timeout: Timeout });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshotAround(page, page.getByRole('heading', { name: 'Config', level: 1 }), 'config-phone');
    await screenshotAround(page, field, 'config-phone-edit');
    await context.close();
  });

  test('a viewer sees why pairing is hidden and that the config is read only', async () => {
    await gateway.rpc('users.create', { username: 'vera', password: 'correct-horse-battery', role: 'viewer' });
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/signin`);
    await page.getByTestId('tab-password').click();
    await page.getByTestId('username').fill('vera');
    await page.getByTestId('password').fill('correct-horse-battery');
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });

    await openChannels(page);
    await page.locator('[data-test="channel-telegram"][data-connected="true"]').waitFor({ timeout: Timeout });
    const reason = page.getByTestId('pairing-admin-only');
    await reason.waitFor({ timeout: Timeout });
    assert.match(await reason.innerText(), /Only an admin .* signed in as viewer/);
    assert.equal(await page.getByTestId('approve').count(), 0);

    await openConfig(page);
    assert.match(await page.getByTestId('config-readonly').innerText(), /needs an admin; you are signed in as viewer/);
    assert.equal(await page.getByTestId('edit').count(), 0);
    assert.equal(await page.getByTestId('set-key').count(), 0);
    await page.close();
  });

  // Last: it takes the fake Bot API away.
  test('when Telegram becomes unreachable the card says so without a reload', async () => {
    const page = await browser.newPage();
    await signIn(page, gateway);
    await openChannels(page);
    await page.locator('[data-test="channel-telegram"][data-connected="true"]').waitFor({ timeout: Timeout });

    await gateway.telegram.stop();
    const card = page.locator('[data-test="channel-telegram"][data-connected="false"]');
    await card.waitFor({ timeout: Timeout });
    await card.getByTestId('channel-error').waitFor({ timeout: Timeout });
    assert.notEqual(await card.getByTestId('channel-error').innerText(), '');
    await screenshot(page, 'channels-error');
    await page.close();
  });
});
