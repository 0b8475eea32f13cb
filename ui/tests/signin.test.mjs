// Signing in with the gateway token, a wrong token, and the shell a signed-in user sees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, signIn, startGateway, waitFor, watchPage, Timeout } from './harness.mjs';

describe('sign in', () => {
  let gateway;
  let browser;

  before(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  test('a visitor is sent to sign-in, and the right token opens the overview', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);

    await page.goto(`${gateway.url}/sessions`);
    await page.waitForURL(/\/signin/, { timeout: Timeout });
    await page.getByTestId('token').waitFor();
    await screenshot(page, 'signin');
    await signIn(page, gateway);

    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: Timeout });
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });
    assert.equal(await page.getByTestId('connection').getAttribute('data-state'), 'open');
    // Never in the URL, never in localStorage.
    assert.ok(!page.url().includes(gateway.token));
    assert.ok(!(await page.evaluate(() => JSON.stringify({ ...localStorage }))).includes(gateway.token));
    await screenshot(page, 'overview');
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('a wrong token shows an error and stays on sign-in', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${gateway.url}/signin`);

    await page.getByTestId('token').fill('not-the-token');
    await page.getByTestId('signin-submit').click();

    const error = page.getByTestId('signin-error');
    await error.waitFor({ timeout: Timeout });
    assert.match(await error.innerText(), /not accepted/);
    assert.match(page.url(), /\/signin$/);
    await screenshot(page, 'signin-wrong-token');
    // The refused WebSocket connect is not a page error; nothing else may be.
    assert.deepEqual(seen.errors.filter((e) => !e.includes('WebSocket')), []);
    await page.close();
  });

  test('a user signs in with username and password and sees their name', async () => {
    await gateway.rpc('users.create', { username: 'ada', password: 'correct-horse-battery', role: 'operator' });
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${gateway.url}/signin`);
    await page.getByTestId('tab-password').click();

    await page.getByTestId('username').fill('ada');
    await page.getByTestId('password').fill('wrong-password');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('signin-error').waitFor({ timeout: Timeout });
    assert.match(await page.getByTestId('signin-error').innerText(), /Wrong username or password/);

    await page.getByTestId('password').fill('correct-horse-battery');
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${gateway.url}/`, { timeout: Timeout });
    await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });
    assert.equal(await page.locator('.who').innerText(), 'ada');
    // An operator is not offered the admin-only Users page.
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    assert.ok(!stored.includes('correct-horse-battery'));
    assert.ok(!page.url().includes('token'));
    assert.deepEqual(seen.errors.filter((e) => !e.includes('WebSocket')), []);
    await page.close();
  });

  test('a user whose access is revoked mid-session is sent back to sign-in with a message', async () => {
    const { id } = await gateway.rpc('users.create', { username: 'grace', password: 'another-long-password', role: 'viewer' }).then((r) => r.user ?? r);
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/signin`);
    await page.getByTestId('tab-password').click();
    await page.getByTestId('username').fill('grace');
    await page.getByTestId('password').fill('another-long-password');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });

    await gateway.rpc('users.update', { id, active: false });

    // The overview's next status poll is refused, the silent refresh is refused too: back to sign-in, told why.
    await page.waitForURL(/\/signin/, { timeout: Timeout });
    const notice = page.getByTestId('signin-notice');
    await notice.waitFor({ timeout: Timeout });
    assert.match(await notice.innerText(), /session has expired|sign in again/i);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('openclaw.auth')), null);
    await screenshot(page, 'signin-session-expired');
    await page.close();
  });

  test('a user whose access token stopped working is refreshed silently on a reload and keeps live events', async () => {
    await gateway.rpc('users.create', { username: 'linus', password: 'a-long-enough-password', role: 'operator' });
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${gateway.url}/signin`);
    await page.getByTestId('tab-password').click();
    await page.getByTestId('username').fill('linus');
    await page.getByTestId('password').fill('a-long-enough-password');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });
    const before = JSON.parse(await page.evaluate(() => sessionStorage.getItem('openclaw.auth')));

    // As after a laptop slept past the access token's lifetime: the stored access token is refused on reconnect,
    // while the overview has its event topics to subscribe again (the case that once signed users out).
    await page.evaluate(() => {
      const saved = JSON.parse(sessionStorage.getItem('openclaw.auth'));
      sessionStorage.setItem('openclaw.auth', JSON.stringify({ ...saved, token: 'no-longer-valid-access-token' }));
    });
    await page.reload();
    await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });
    const after = await waitFor(async () => {
      const stored = JSON.parse(await page.evaluate(() => sessionStorage.getItem('openclaw.auth')));
      return stored && stored.refreshToken !== before.refreshToken ? stored : null;
    }, 'a new token pair is stored');

    assert.match(page.url(), /\/$/, 'still on the overview, not sent to sign-in');
    assert.notEqual(after.token, 'no-longer-valid-access-token');
    // Events still arrive on the refreshed socket.
    await gateway.rpc('sessions.create', {});
    await page.getByTestId('events-feed').getByText('session_started').first().waitFor({ timeout: Timeout });
    assert.deepEqual(seen.errors.filter((e) => !e.includes('WebSocket')), []);
    await page.close();
  });

  test('a reload keeps the sign-in (session storage) and sign-out ends it', async () => {
    const page = await browser.newPage();
    await signIn(page, gateway);
    await page.reload();
    await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });

    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/signin/, { timeout: Timeout });
    await page.goto(`${gateway.url}/config`);
    await page.waitForURL(/\/signin/, { timeout: Timeout });
    await page.close();
  });
});

describe('sign in when the gateway refuses or is away', () => {
  let gateway;
  let browser;

  before(async () => {
    gateway = await startGateway({ config: { gateway: { limits: { authFailuresPerMinute: 2 } } } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  test('too many wrong tokens are told to wait, with the time', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/signin`);
    const error = page.getByTestId('signin-error');
    let text = '';
    for (let attempt = 0; attempt < 4 && !/Too many attempts/.test(text); attempt++) {
      await page.getByTestId('token').fill(`wrong-${attempt}`);
      await page.getByTestId('signin-submit').click();
      await page.getByTestId('signin-submit').filter({ hasText: 'Sign in' }).waitFor({ timeout: Timeout });
      text = await error.innerText();
    }
    assert.match(text, /Too many attempts\. Try again in \d+ s\./);
    await screenshot(page, 'signin-rate-limited');
    await page.close();
  });

  test('an unreachable gateway is said to be unreachable', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/signin`);
    await gateway.stopProcess();
    try {
      await page.getByTestId('token').fill(gateway.token);
      await page.getByTestId('signin-submit').click();
      await page.getByTestId('signin-error').waitFor({ timeout: Timeout });
      assert.match(await page.getByTestId('signin-error').innerText(), /cannot be reached/);
    } finally {
      await gateway.start();
    }
    await page.close();
  });
});
