// Agents, Tools, Usage and Users: what an operator or admin sees and does there, against the real gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { launchBrowser, repoRoot, screenshot, signIn, startGateway, watchPage, Timeout } from './harness.mjs';

// A literal key in the config: the gateway must never hand it to the dashboard.
const ProviderKey = 'sk-admin-journey-3f9c1e7a5b2d4c6e8f0a';

/** Signs in with a username and password; resolves once the overview shows (or leaves the page on /signin). */
async function signInAs(page, gateway, username, password) {
  await page.goto(`${gateway.url}/signin`);
  await page.getByTestId('tab-password').click();
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('signin-submit').click();
}

async function phone(browser) {
  return browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
}

describe('admin views', () => {
  let gateway;
  let browser;

  before(async () => {
    gateway = await startGateway({ config: { providers: { fake: { apiKey: ProviderKey } } } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  test('agents: the default agent shows its model and sandbox, and no secret appears anywhere', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await page.getByRole('link', { name: 'Agents' }).click();
    const card = page.getByTestId('agent-default');
    await card.waitFor({ timeout: Timeout });
    assert.equal(await card.getByTestId('agent-model').innerText(), 'fake/fake');
    assert.equal(await card.getByTestId('agent-provider').innerText(), 'fake');
    assert.match(await card.getByTestId('sandbox-level').innerText(), /sandbox: \w+/);
    assert.match(await card.getByTestId('agent-tools').innerText(), /read_file/);
    const html = await page.content();
    const text = await page.locator('body').innerText();
    for (const secret of [ProviderKey, gateway.token]) {
      assert.ok(!html.includes(secret), 'a secret is in the page markup');
      assert.ok(!text.includes(secret), 'a secret is in the page text');
    }
    assert.deepEqual(seen.errors, []);
    await screenshot(page, 'agents');
    await page.close();

    const context = await phone(browser);
    const small = await context.newPage();
    await signIn(small, gateway);
    await small.goto(`${gateway.url}/agents`);
    await small.getByTestId('agent-default').waitFor({ timeout: Timeout });
    assert.ok(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(small, 'agents-phone');
    await context.close();
  });

  test('tools: a form generated from the schema, errors at the field, and a result after Execute', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/tools?tool=read_file`);
    const tool = page.getByTestId('tool-read_file');
    await tool.waitFor({ timeout: Timeout });
    // The schema's required string and bounded integers became a text input and number inputs.
    const path = tool.getByTestId('input-path');
    assert.equal(await path.evaluate((el) => `${el.tagName}:${el.type}`), 'INPUT:text');
    assert.equal(await tool.getByLabel(/Path/).count(), 1);
    assert.match(await tool.locator('[data-field="path"] label').innerText(), /\*/);
    const limit = tool.getByTestId('input-limit');
    assert.equal(await limit.getAttribute('type'), 'number');
    assert.equal(await limit.getAttribute('min'), '1');
    assert.equal(await limit.getAttribute('max'), '100000');

    // Missing the required path: the gateway's validation error is shown at that field.
    await tool.getByTestId('execute').click();
    const pathError = tool.getByTestId('error-path');
    await pathError.waitFor({ timeout: Timeout });
    assert.match(await pathError.innerText(), /required/i);
    assert.equal(await path.getAttribute('aria-invalid'), 'true');
    assert.equal(await tool.getByTestId('tool-result').count(), 0);

    // Out of the schema's bounds: the error lands at the number field.
    await path.fill('notes.txt');
    await limit.fill('0');
    await tool.getByTestId('execute').click();
    await tool.getByTestId('error-limit').waitFor({ timeout: Timeout });
    assert.equal(await tool.getByTestId('error-path').count(), 0);

    // write_file, then read_file: both run in the gateway's workspace and show their results as text.
    await page.getByTestId('pick-write_file').click();
    const write = page.getByTestId('tool-write_file');
    await write.waitFor({ timeout: Timeout });
    const content = 'hello from the dashboard\n<b>not bold</b>';
    await write.getByTestId('input-path').fill('notes.txt');
    assert.equal(await write.getByTestId('input-content').evaluate((el) => el.tagName), 'TEXTAREA');
    await write.getByTestId('input-content').fill(content);
    await write.getByTestId('execute').click();
    await write.getByTestId('tool-result').waitFor({ timeout: Timeout });
    assert.equal(await write.getByTestId('result-status').innerText(), 'Succeeded');
    assert.match(await write.getByTestId('result-json').innerText(), /"bytes": \d+/);

    await page.getByTestId('pick-read_file').click();
    const read = page.getByTestId('tool-read_file');
    await read.getByTestId('input-path').fill('notes.txt');
    await read.getByTestId('execute').click();
    await read.getByTestId('tool-result').waitFor({ timeout: Timeout });
    assert.equal(await read.getByTestId('result-status').innerText(), 'Succeeded');
    const output = await read.getByTestId('result-output').innerText();
    assert.ok(output.includes('<b>not bold</b>'), `the output shows the file as text: ${output}`);
    assert.equal(await read.locator('[data-test="tool-result"] b').count(), 0);
    await screenshot(page, 'tools');

    // A tool that fails shows the failure (read_file of a file that is not there).
    await read.getByTestId('input-path').fill('missing.txt');
    await read.getByTestId('execute').click();
    await read.locator('[data-test="result-status"]', { hasText: 'Failed' }).waitFor({ timeout: Timeout });
    assert.ok((await read.getByTestId('result-error').innerText()).length > 0);
    assert.deepEqual(seen.errors, []);
    await page.close();

    const context = await phone(browser);
    const small = await context.newPage();
    await signIn(small, gateway);
    await small.goto(`${gateway.url}/tools?tool=grep`);
    await small.getByTestId('tool-grep').waitFor({ timeout: Timeout });
    assert.ok(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(small, 'tools-phone');
    await context.close();
  });

  test('usage: after chats, the charts show bars and the tables the tokens per day and per model', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    // Before any chat: the empty state.
    await page.goto(`${gateway.url}/usage`);
    await page.getByTestId('state-empty').waitFor({ timeout: Timeout });
    await screenshot(page, 'usage-empty');

    for (const message of ['first question', 'second question']) {
      const { sessionKey } = await gateway.rpc('sessions.create', {});
      const done = await gateway.rpc('chat.send', { sessionKey, message, wait: true });
      assert.ok(done.reply);
    }
    await page.reload();
    const dayChart = page.getByTestId('chart-day');
    await dayChart.waitFor({ timeout: Timeout });
    assert.ok((await dayChart.getByTestId('bar').count()) >= 1, 'a bar for today');
    assert.match(await dayChart.locator('svg title').first().textContent(), /Tokens per day/);
    const today = new Date().toISOString().slice(0, 10);
    const dayTable = page.getByTestId('table-day');
    await dayTable.getByRole('cell', { name: today }).waitFor({ timeout: Timeout });
    const modelTable = page.getByTestId('table-model');
    const fakeRow = modelTable.locator('tr', { hasText: 'fake' });
    await fakeRow.waitFor({ timeout: Timeout });
    // Two requests of the fake model: 5 input and 2 output tokens each.
    const cells = await fakeRow.locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(1, 4), ['2', '10', '4']);
    assert.ok((await page.getByTestId('chart-model').getByTestId('bar').count()) >= 1);
    await page.getByTestId('range-30').click();
    await page.locator('[data-test="range-30"][aria-pressed="true"]').waitFor({ timeout: Timeout });
    await page.getByTestId('chart-title').filter({ hasText: 'Tokens per day, last 30 days' }).waitFor({ timeout: Timeout });
    assert.deepEqual(seen.errors, []);
    await screenshot(page, 'usage');
    await page.getByTestId('theme-toggle').click();
    await screenshot(page, 'usage-other-theme');
    await page.close();

    const context = await phone(browser);
    const small = await context.newPage();
    await signIn(small, gateway);
    await small.goto(`${gateway.url}/usage`);
    await small.getByTestId('chart-day').waitFor({ timeout: Timeout });
    assert.ok(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(small, 'usage-phone');
    await context.close();
  });

  test('users: create, change role, disable (sign-in refused), reset password, then the viewer is kept out of admin pages', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByTestId('create-user');
    await form.waitFor({ timeout: Timeout });

    // A weak password: the gateway's message, at the password field.
    await form.getByTestId('new-username').fill('dana');
    await form.getByTestId('new-password').fill('short');
    await form.getByTestId('new-role').selectOption('operator');
    await form.getByTestId('create-submit').click();
    await form.getByTestId('error-password').waitFor({ timeout: Timeout });
    assert.match(await form.getByTestId('error-password').innerText(), /too short/i);

    await form.getByTestId('new-password').fill('first-password-1');
    await form.getByTestId('create-submit').click();
    const row = page.getByTestId('user-dana');
    await row.waitFor({ timeout: Timeout });
    assert.equal(await row.getByTestId('user-role').inputValue(), 'operator');

    // The same name again: the gateway says why.
    await form.getByTestId('new-username').fill('dana');
    await form.getByTestId('new-password').fill('another-password-2');
    await form.getByTestId('create-submit').click();
    await page.locator('[data-test="create-error"], [data-test="error-username"]').first().waitFor({ timeout: Timeout });

    // Change the role, then disable.
    await row.getByTestId('user-role').selectOption('viewer');
    await row.getByTestId('user-notice').filter({ hasText: 'Role changed to viewer' }).waitFor({ timeout: Timeout });
    assert.equal((await gateway.rpc('users.list')).users.find((u) => u.username === 'dana').role, 'viewer');
    await row.getByTestId('user-toggle').click();
    await row.getByTestId('user-status').filter({ hasText: 'disabled' }).waitFor({ timeout: Timeout });
    await screenshot(page, 'users');

    // Signing in as the disabled user fails.
    const other = await browser.newContext();
    const userPage = await other.newPage();
    await signInAs(userPage, gateway, 'dana', 'first-password-1');
    await userPage.getByTestId('signin-error').waitFor({ timeout: Timeout });
    assert.match(userPage.url(), /\/signin/);

    // Enable again and reset the password.
    await row.getByTestId('user-toggle').click();
    await row.getByTestId('user-status').filter({ hasText: 'active' }).waitFor({ timeout: Timeout });
    await row.getByTestId('user-reset').click();
    await row.getByTestId('reset-password').fill('second-password-2');
    await row.getByTestId('reset-submit').click();
    await row.getByTestId('user-notice').filter({ hasText: 'Password reset' }).waitFor({ timeout: Timeout });

    // The new password works (the old one does not), and a viewer is kept out of admin pages.
    await signInAs(userPage, gateway, 'dana', 'first-password-1');
    await userPage.getByTestId('signin-error').waitFor({ timeout: Timeout });
    await signInAs(userPage, gateway, 'dana', 'second-password-2');
    await userPage.waitForURL(`${gateway.url}/`, { timeout: Timeout });
    await userPage.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });
    const nav = userPage.locator('#side-nav');
    await nav.getByRole('link', { name: 'Agents' }).waitFor({ timeout: Timeout });
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0, 'no Users link for a viewer');
    await userPage.goto(`${gateway.url}/users`);
    const refused = userPage.getByTestId('needs-admin');
    await refused.waitFor({ timeout: Timeout });
    assert.match(await refused.innerText(), /needs the admin role/);
    assert.equal(await userPage.getByTestId('create-user').count(), 0);
    await screenshot(userPage, 'users-viewer-refused');
    // Tools are readable, but Execute needs an operator.
    await userPage.goto(`${gateway.url}/tools`);
    await userPage.getByTestId('execute-needs-operator').waitFor({ timeout: Timeout });
    assert.equal(await userPage.getByTestId('execute').isDisabled(), true);
    await other.close();

    // Delete, after a confirmation.
    await row.getByTestId('user-delete').click();
    await row.getByTestId('delete-confirm').waitFor({ timeout: Timeout });
    await row.getByTestId('delete-yes').click();
    await row.waitFor({ state: 'detached', timeout: Timeout });
    assert.equal((await gateway.rpc('users.list')).users.some((u) => u.username === 'dana'), false);
    assert.deepEqual(seen.errors.filter((e) => !/status of 4\d\d/.test(e)), []);
    await page.close();

    const context = await phone(browser);
    const small = await context.newPage();
    await signIn(small, gateway);
    await small.goto(`${gateway.url}/users`);
    await small.getByTestId('create-user').waitFor({ timeout: Timeout });
    await gateway.rpc('users.create', { username: 'erin', password: 'erin-password-1', role: 'operator' });
    await small.reload();
    await small.getByTestId('user-erin').waitFor({ timeout: Timeout });
    assert.ok(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(small, 'users-phone');
    await context.close();
  });
});

// The generator itself, for schema shapes the built-in tools do not have (enums, string arrays, nested objects,
// unions): schema.ts compiled with the project's TypeScript and imported.
describe('tool form generator', () => {
  let schema;
  let dir;

  before(async () => {
    const source = readFileSync(path.join(repoRoot, 'ui', 'src', 'components', 'tools', 'schema.ts'), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    dir = mkdtempSync(path.join(os.tmpdir(), 'openclaw-schema-'));
    const file = path.join(dir, 'schema.mjs');
    writeFileSync(file, js);
    schema = await import(pathToFileURL(file).href);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const toolSchema = {
    type: 'object',
    properties: {
      mode: { type: 'string', enum: ['fast', 'careful'], description: 'How.' },
      note: { type: 'string', maxLength: 200 },
      body: { type: 'string', maxLength: 100000 },
      count: { type: 'integer', minimum: 1, maximum: 10 },
      verbose: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
      target: { type: 'object', properties: { host: { type: 'string', maxLength: 100 }, port: { type: 'integer' } }, required: ['host'] },
      value: { description: 'Any JSON.' },
      choice: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    },
    required: ['mode', 'target'],
  };

  test('each schema shape gets its control, and what it cannot draw becomes a JSON field', () => {
    const fields = schema.fieldsOf(toolSchema);
    const kinds = Object.fromEntries(schema.flatten(fields).map((f) => [f.pointer, f.kind]));
    assert.deepEqual(kinds, {
      '/mode': 'select',
      '/note': 'text',
      '/body': 'textarea',
      '/count': 'number',
      '/verbose': 'checkbox',
      '/tags': 'lines',
      '/target': 'object',
      '/target/host': 'text',
      '/target/port': 'number',
      '/value': 'json',
      '/choice': 'json',
    });
    const byPointer = Object.fromEntries(schema.flatten(fields).map((f) => [f.pointer, f]));
    assert.deepEqual([byPointer['/count'].min, byPointer['/count'].max, byPointer['/count'].integer], [1, 10, true]);
    assert.equal(byPointer['/mode'].required, true);
    assert.equal(byPointer['/target/host'].required, true);
    assert.equal(byPointer['/note'].required, false);
    assert.deepEqual(byPointer['/mode'].options, ['fast', 'careful']);
  });

  test('values become params: empty optional fields left out, text turned into numbers, lines and JSON', () => {
    const fields = schema.fieldsOf(toolSchema);
    const values = schema.initialValues(fields);
    Object.assign(values, { '/mode': 'fast', '/count': '3', '/tags': 'a\n\n b \nc\n', '/target/host': 'example', '/value': '{"x": [1, 2]}', '/verbose': true });
    const built = schema.buildParams(fields, values);
    assert.deepEqual(built.errors, {});
    assert.deepEqual(built.params, { mode: 'fast', count: 3, verbose: true, tags: ['a', ' b ', 'c'], target: { host: 'example' }, value: { x: [1, 2] } });

    Object.assign(values, { '/count': '2.5', '/value': '{oops' });
    assert.deepEqual(Object.keys(schema.buildParams(fields, values).errors).sort(), ['/count', '/value']);
  });

  test("the gateway's validation messages land at the fields they name", () => {
    const fields = schema.fieldsOf(toolSchema);
    const mapped = schema.mapGatewayErrors(
      'Invalid params: Required properties ["mode"] are not present; /count: 0 should be at least 1; /target: Required properties ["host"] are not present; /tags/1: Value is "integer" but should be "string"; /bogus: All values fail against the false schema',
      fields,
    );
    assert.deepEqual(Object.keys(mapped.byField).sort(), ['/count', '/mode', '/tags', '/target/host']);
    assert.match(mapped.byField['/mode'], /required/i);
    assert.match(mapped.byField['/count'], /at least 1/);
    assert.deepEqual(mapped.general, ['All values fail against the false schema']);
  });
});
