// The overview: status cards, the live events feed (user text shown as text), and recovery from a gateway restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, signIn, startGateway, watchPage, Timeout } from './harness.mjs';

describe('overview', () => {
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

  test('a message with markup in it shows in the live feed as text', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });
    const payload = '<img src=x onerror=alert(1)>';

    const { sessionKey } = await gateway.rpc('sessions.create', {});
    await gateway.rpc('chat.send', { sessionKey, message: payload });

    const line = page.getByTestId('event-text').filter({ hasText: payload }).first();
    await line.waitFor({ timeout: Timeout });
    assert.equal(await line.innerText(), payload);
    assert.equal(await page.locator('[data-test="events-feed"] img').count(), 0);
    // The reply (the fake model echoes it) arrives too, also as text.
    await page.getByTestId('event-text').filter({ hasText: `You said: ${payload}` }).first().waitFor({ timeout: Timeout });
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await screenshot(page, 'overview-events');
    await page.close();
  });

  test('a gateway restart shows the reconnect banner, then recovers and keeps the feed live', async () => {
    const page = await browser.newPage();
    await signIn(page, gateway);
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });

    await gateway.stopProcess();
    const banner = page.getByTestId('reconnect-banner');
    await banner.waitFor({ timeout: Timeout });
    assert.notEqual(await page.getByTestId('connection').getAttribute('data-state'), 'open');
    await screenshot(page, 'overview-reconnecting');
    await gateway.start();

    await banner.waitFor({ state: 'detached', timeout: Timeout });
    await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });
    // Subscriptions are re-issued after the reconnect: a new event still reaches the page.
    const { sessionKey } = await gateway.rpc('sessions.create', {});
    await gateway.rpc('chat.send', { sessionKey, message: 'after the restart' });
    await page.getByTestId('event-text').filter({ hasText: 'after the restart' }).first().waitFor({ timeout: Timeout });
    await page.close();
  });

  test('on a phone the side nav becomes a menu', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, gateway);
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });
    const nav = page.locator('#side-nav');
    assert.equal(await nav.isVisible(), false);
    // Nothing wider than the screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(page, 'overview-phone');

    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.waitFor({ state: 'visible' });
    await screenshot(page, 'overview-phone-menu');
    await nav.getByRole('link', { name: 'Sessions' }).click();
    await page.waitForURL(/\/sessions$/, { timeout: Timeout });
    assert.equal(await nav.isVisible(), false);
    await context.close();
  });

  test('the theme toggle switches and is remembered', async () => {
    const page = await browser.newPage();
    await signIn(page, gateway);
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByTestId('theme-toggle').click();
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    assert.notEqual(after, before);
    await page.reload();
    await page.getByTestId('status-cards').waitFor({ timeout: Timeout });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), after);
    await screenshot(page, `overview-${after}`);
    await page.close();
  });
});
