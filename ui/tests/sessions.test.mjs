// Sessions and Session detail: the list with filters kept in the URL, search snippets as text, the time-travel
// slider, fork from an earlier event, JSONL and Markdown export, ending a session, a viewer's limits, the phone layout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchBrowser, screenshot, signIn, startGateway, watchPage, waitFor, Timeout } from './harness.mjs';

const Markup = '<img src=x onerror=alert(1)>';

describe('sessions', () => {
  let gateway;
  let browser;
  /** A session with two exchanges: "alpha" first, then "bravo". */
  let first;
  /** A session whose message carries markup and the word "zulu". */
  let second;

  async function say(sessionKey, message) {
    const result = await gateway.rpc('chat.send', { sessionKey, message, wait: true });
    assert.match(result.reply, /You said/);
  }

  async function allEvents(sessionKey) {
    return (await gateway.rpc('sessions.events', { sessionKey, limit: 1000 })).events;
  }

  async function openSession(page, sessionKey) {
    await page.goto(`${gateway.url}/sessions/${encodeURIComponent(sessionKey)}`);
    await page.getByTestId('session-header').waitFor({ timeout: Timeout });
    await page.getByTestId('timeline').waitFor({ timeout: Timeout });
  }

  const messages = (page) => page.locator('[data-test="conversation"] [data-test="message-text"]');

  before(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
    first = (await gateway.rpc('sessions.create', {})).sessionKey;
    await say(first, 'alpha question about apples');
    await say(first, 'bravo question about bananas');
    second = (await gateway.rpc('sessions.create', {})).sessionKey;
    await say(second, `${Markup} zulu markup here`);
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  test('the list shows sessions, filters live in the URL (back and reload keep them), search shows snippets as text', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/sessions`);
    const rows = page.getByTestId('session-row');
    await rows.filter({ hasText: first }).waitFor({ timeout: Timeout });
    await rows.filter({ hasText: second }).waitFor({ timeout: Timeout });
    // The first received message is the row's title, markup and all, as text.
    assert.equal(await rows.filter({ hasText: first }).getByTestId('session-link').innerText(), 'alpha question about apples');
    assert.equal(await rows.filter({ hasText: second }).getByTestId('session-link').innerText(), `${Markup} zulu markup here`);
    assert.equal(await page.locator('[data-test="session-list"] img').count(), 0);
    await screenshot(page, 'sessions-list');

    // No session has ended yet: the "ended" filter empties the list, and says so.
    await page.getByTestId('filter-state').selectOption('ended');
    await page.waitForURL(/[?&]state=ended/, { timeout: Timeout });
    await page.getByText('No sessions match these filters.').waitFor({ timeout: Timeout });
    // Back restores the unfiltered list and the select with it.
    await page.goBack();
    await rows.filter({ hasText: first }).waitFor({ timeout: Timeout });
    assert.equal(await page.getByTestId('filter-state').inputValue(), '');

    // Channel and agent filters come from the gateway's stats; a reload keeps them.
    await page.getByTestId('filter-channel').selectOption('webchat');
    await page.waitForURL(/[?&]channel=webchat/, { timeout: Timeout });
    await page.getByTestId('filter-agent').selectOption('default');
    await page.waitForURL(/[?&]agent=default/, { timeout: Timeout });
    await page.reload();
    await rows.filter({ hasText: first }).waitFor({ timeout: Timeout });
    assert.equal(await page.getByTestId('filter-channel').inputValue(), 'webchat');
    assert.equal(await page.getByTestId('filter-agent').inputValue(), 'default');
    assert.equal(await rows.count(), 2);

    // Search: one hit, its match highlighted, the markup in the snippet shown as text.
    await page.getByTestId('search').fill('zulu');
    await page.getByTestId('search').press('Enter');
    await page.waitForURL(/[?&]q=zulu/, { timeout: Timeout });
    const results = page.locator('[data-test="search-results"] [data-test="session-row"]');
    await results.first().waitFor({ timeout: Timeout });
    assert.equal(await results.count(), 1);
    const snippet = results.first().getByTestId('snippet');
    assert.ok((await snippet.innerText()).includes(Markup), await snippet.innerText());
    assert.equal(await snippet.locator('mark').innerText(), 'zulu');
    assert.equal(await page.locator('[data-test="search-results"] img').count(), 0);
    await screenshot(page, 'sessions-search');

    // A search for the other session, then open it from the hit.
    await page.getByTestId('search').fill('bananas');
    await page.getByTestId('search').press('Enter');
    await results.filter({ hasText: first }).waitFor({ timeout: Timeout });
    assert.equal(await results.count(), 1);
    await results.first().getByTestId('session-link').click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/sessions/${first}`, { timeout: Timeout });
    await page.getByTestId('session-header').waitFor({ timeout: Timeout });
    assert.equal(await page.getByTestId('session-agent').innerText(), 'default');
    // Back returns to the same search.
    await page.goBack();
    await results.filter({ hasText: first }).waitFor({ timeout: Timeout });
    assert.equal(await page.getByTestId('search').inputValue(), 'bananas');
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('in a session longer than one page of events the slider reaches the first and the last event', async () => {
    const long = (await gateway.rpc('sessions.create', {})).sessionKey;
    for (let i = 1; i <= 40; i++) await say(long, `long message ${i}`);
    const events = await allEvents(long);
    assert.ok(events.length > 100, `more than one page (${events.length} events)`);
    const page = await browser.newPage();
    await signIn(page, gateway);
    await openSession(page, long);
    const slider = page.getByTestId('time-slider');
    await waitFor(async () => (await slider.getAttribute('max')) === String(events.length - 1), 'the slider spans every event');

    await slider.focus();
    await slider.press('Home');
    await waitFor(async () => (await page.getByTestId('travel-position').innerText()).includes(`#${events[0].seq}`), 'at the first event');
    await slider.press('End');
    await waitFor(async () => (await page.getByTestId('travel-position').innerText()).includes(`#${events.at(-1).seq}`), 'at the last event');
    await messages(page).filter({ hasText: 'You said: long message 40' }).first().waitFor({ timeout: Timeout });
    // One before the end: the conversation as it was then, the last reply not yet there.
    await slider.press('ArrowLeft');
    await page.getByTestId('past-banner').waitFor({ timeout: Timeout });
    await page.close();
  });

  test('the time-travel slider shows an earlier conversation, and Fork from here makes a session holding that prefix', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openSession(page, first);
    await messages(page).filter({ hasText: 'bravo question about bananas' }).first().waitFor({ timeout: Timeout });
    assert.equal(await messages(page).count(), 4);
    assert.equal(await page.getByTestId('past-banner').count(), 0);

    // The first answer's event: travel there with the keyboard (Home, then right arrows).
    const events = await allEvents(first);
    const target = events.findIndex((e) => e.type === 'agent_response');
    assert.ok(target > 0);
    assert.equal(await page.getByTestId('event').count(), events.length);
    const slider = page.getByTestId('time-slider');
    await slider.focus();
    await slider.press('Home');
    for (let i = 0; i < target; i++) await slider.press('ArrowRight');
    const position = page.getByTestId('travel-position');
    await waitFor(async () => (await position.innerText()).includes(`#${events[target].seq}`), 'the slider shows the chosen seq');
    assert.equal(await slider.getAttribute('aria-valuetext').then((t) => t.includes(`#${events[target].seq}`)), true);

    await page.getByTestId('past-banner').waitFor({ timeout: Timeout });
    await waitFor(async () => (await messages(page).count()) === 2, 'the earlier conversation (two messages)');
    assert.equal(await messages(page).nth(0).innerText(), 'alpha question about apples');
    assert.match(await messages(page).nth(1).innerText(), /You said: alpha question about apples/);
    assert.equal(await messages(page).filter({ hasText: 'bravo' }).count(), 0);
    await screenshot(page, 'session-detail-past');

    // An event's seq in the timeline travels there too.
    await page.locator(`[data-test="event"][data-seq="${events[1].seq}"] [data-test="event-travel"]`).click();
    await waitFor(async () => (await messages(page).count()) === 1, 'the conversation at the first message');
    assert.equal(await slider.inputValue(), '1');
    assert.equal(await page.locator('[data-test="event"][aria-current="step"]').getAttribute('data-seq'), String(events[1].seq));

    // Back to the end: the whole conversation again, no past banner.
    await slider.press('End');
    await page.getByTestId('past-banner').waitFor({ state: 'detached', timeout: Timeout });
    await messages(page).filter({ hasText: 'bravo question about bananas' }).first().waitFor({ timeout: Timeout });
    assert.equal(await messages(page).count(), 4);

    // Setting the value and dispatching input works too (as a drag does); then fork from there.
    await slider.evaluate((el, value) => {
      el.value = String(value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, target);
    await waitFor(async () => (await messages(page).count()) === 2, 'the earlier conversation again');
    await page.getByTestId('fork').click();
    await page.waitForURL((url) => url.pathname.startsWith('/sessions/') && decodeURIComponent(url.pathname) !== `/sessions/${first}`, {
      timeout: Timeout,
    });
    const forkKey = decodeURIComponent(new URL(page.url()).pathname.slice('/sessions/'.length));
    await page.getByTestId('forked-from').waitFor({ timeout: Timeout });
    assert.equal(await page.getByTestId('forked-from').innerText(), first);
    await waitFor(async () => (await messages(page).count()) === 2, 'the fork holds the prefix');
    assert.equal(await page.getByTestId('past-banner').count(), 0);
    assert.equal(await messages(page).filter({ hasText: 'bravo' }).count(), 0);
    // The gateway agrees: the fork's projection has the two first messages only.
    const fork = await gateway.rpc('sessions.get', { sessionKey: forkKey });
    assert.deepEqual(
      fork.messages.map((m) => m.text),
      ['alpha question about apples', 'You said: alpha question about apples'],
    );
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('export downloads the events as JSONL (one parseable line per event) and a Markdown transcript', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openSession(page, first);
    const events = await allEvents(first);

    const [jsonl] = await Promise.all([page.waitForEvent('download', { timeout: Timeout }), page.getByTestId('export-jsonl').click()]);
    assert.match(jsonl.url(), /^blob:/);
    assert.match(jsonl.suggestedFilename(), /\.jsonl$/);
    const lines = readFileSync(await jsonl.path(), 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(lines.length, events.length);
    const parsed = lines.map((l) => JSON.parse(l));
    assert.deepEqual(
      parsed.map((e) => e.seq),
      events.map((e) => e.seq),
    );
    assert.equal(parsed[0].type, 'session_started');

    const [markdown] = await Promise.all([page.waitForEvent('download', { timeout: Timeout }), page.getByTestId('export-md').click()]);
    assert.match(markdown.url(), /^blob:/);
    assert.match(markdown.suggestedFilename(), /\.md$/);
    const text = readFileSync(await markdown.path(), 'utf8');
    assert.ok(text.startsWith(`# Session ${first}`));
    assert.match(text, /## User · seq \d+/);
    assert.match(text, /> alpha question about apples/);
    assert.match(text, /> You said: bravo question about bananas/);
    // No CSP report or other error on the way.
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('End asks for confirmation, then the session shows as ended and cannot be ended again', async () => {
    const { sessionKey } = await gateway.rpc('sessions.create', {});
    await say(sessionKey, 'charlie wants to stop');
    const page = await browser.newPage();
    const seen = watchPage(page);
    await signIn(page, gateway);
    await openSession(page, sessionKey);
    const header = page.getByTestId('session-header');
    assert.equal(await header.getByTestId('session-state').innerText(), 'active');

    await page.getByTestId('end-session').click();
    await page.getByTestId('end-confirm').waitFor();
    // Cancel leaves it alone.
    await page.getByTestId('end-confirm-no').click();
    await page.getByTestId('end-confirm').waitFor({ state: 'detached' });
    assert.equal(await header.getByTestId('session-state').innerText(), 'active');

    await page.getByTestId('end-session').click();
    await page.locator('#end-reason').fill('done testing');
    await page.getByTestId('end-confirm-yes').click();
    await header.getByTestId('session-state').filter({ hasText: 'ended' }).waitFor({ timeout: Timeout });
    assert.ok(await page.getByTestId('end-session').isDisabled());
    await page.locator('[data-test="event"][data-type="session_ended"]').waitFor({ timeout: Timeout });
    // The slider follows the new last event (its thumb at the end, not clamped to the old maximum).
    const count = await page.getByTestId('event').count();
    await waitFor(async () => (await page.getByTestId('time-slider').inputValue()) === String(count - 1), 'the slider at the last event');
    assert.equal(await page.getByTestId('past-banner').count(), 0);
    assert.match(await header.innerText(), /done testing/);
    const summary = (await gateway.rpc('sessions.list', { state: 'ended' })).sessions.find((s) => s.sessionKey === sessionKey);
    assert.equal(summary?.endedReason, 'done testing');
    await screenshot(page, 'session-detail-ended');

    // In the list it shows as ended too.
    await page.goto(`${gateway.url}/sessions?state=ended`);
    await page.getByTestId('session-row').filter({ hasText: sessionKey }).getByTestId('session-state').filter({ hasText: 'ended' }).waitFor({ timeout: Timeout });
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('ending a session someone else already ended says so clearly (-32005)', async () => {
    const { sessionKey } = await gateway.rpc('sessions.create', {});
    await say(sessionKey, 'delta ends twice');
    const page = await browser.newPage();
    // This page drops pushed events, so it still believes the session is active when the gateway refuses to end it
    // a second time.
    await page.addInitScript(() => {
      const property = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
      Object.defineProperty(WebSocket.prototype, 'onmessage', {
        configurable: true,
        get() {
          return property.get.call(this);
        },
        set(handler) {
          const filtered = handler && ((message) => (String(message.data).includes('"method":"event"') ? undefined : handler.call(this, message)));
          property.set.call(this, filtered);
        },
      });
    });
    await signIn(page, gateway);
    await openSession(page, sessionKey);
    await gateway.rpc('sessions.end', { sessionKey });
    await page.getByTestId('end-session').click();
    await page.getByTestId('end-confirm-yes').click();
    const error = page.getByTestId('action-error');
    await error.waitFor({ timeout: Timeout });
    assert.match(await error.innerText(), /already ended/);
    await page.getByTestId('session-header').getByTestId('session-state').filter({ hasText: 'ended' }).waitFor({ timeout: Timeout });
    assert.ok(await page.getByTestId('end-session').isDisabled());
    await page.close();
  });

  test('a viewer reads sessions but cannot fork or end them', async () => {
    await gateway.rpc('users.create', { username: 'vera', password: 'viewer-pass-123', role: 'viewer' });
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/signin`);
    await page.getByTestId('tab-password').click();
    await page.getByTestId('username').fill('vera');
    await page.getByTestId('password').fill('viewer-pass-123');
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${gateway.url}/`, { timeout: Timeout });
    await page.goto(`${gateway.url}/sessions/${encodeURIComponent(second)}`);
    await page.getByTestId('session-header').waitFor({ timeout: Timeout });
    await page.getByTestId('viewer-note').waitFor({ timeout: Timeout });
    assert.ok(await page.getByTestId('end-session').isDisabled());
    assert.ok(await page.getByTestId('fork').isDisabled());
    // Reading and exporting still work.
    assert.equal(await messages(page).first().innerText(), `${Markup} zulu markup here`);
    assert.ok(await page.getByTestId('export-jsonl').isEnabled());
    await page.close();
  });

  test('an unknown session says so', async () => {
    const page = await browser.newPage();
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/sessions/${encodeURIComponent('agent:default:webchat:nobody:nothing1')}`);
    const error = page.getByTestId('state-error');
    await error.waitFor({ timeout: Timeout });
    assert.match(await error.innerText(), /There is no session agent:default:webchat:nobody:nothing1/);
    await page.close();
  });

  test('both views fit a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/sessions`);
    await page.getByTestId('session-row').first().waitFor({ timeout: Timeout });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the list fits 390 px');
    await screenshot(page, 'sessions-phone');
    await openSession(page, first);
    await messages(page).first().waitFor({ timeout: Timeout });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the detail fits 390 px');
    await screenshot(page, 'session-detail-phone');
    await context.close();
  });

  test('tool calls and their results show readably in the timeline (both themes)', async () => {
    const { sessionKey } = await gateway.rpc('sessions.create', {});
    await gateway.rpc('chat.send', { sessionKey, message: 'run echo hello-from-tool', wait: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, gateway);
    await openSession(page, sessionKey);
    const call = page.locator('[data-test="event"][data-type="tool_called"]');
    await call.waitFor({ timeout: Timeout });
    assert.match(await call.innerText(), /Tool call: exec/);
    assert.match(await call.innerText(), /"command": "echo hello-from-tool"/);
    const result = page.locator('[data-test="event"][data-type="tool_result"]');
    assert.match(await result.innerText(), /Tool result: (succeeded|failed)/);
    // The conversation shows the call between the messages, its params and result folded away.
    const tool = page.getByTestId('conversation-tool');
    assert.match(await tool.innerText(), /Tool exec · (succeeded|failed)/);
    await tool.locator('summary').click();
    assert.match(await tool.innerText(), /echo hello-from-tool/);
    await screenshot(page, 'session-detail');
    await page.getByTestId('theme-toggle').click();
    await screenshot(page, 'session-detail-other-theme');
    await page.getByTestId('theme-toggle').click();
    await page.close();
  });

  test('the list pages with Load more (runs last: it adds many sessions)', async () => {
    const existing = (await gateway.rpc('sessions.list', { limit: 500 })).sessions.length;
    const created = [];
    for (let i = 0; i < 30; i++) created.push((await gateway.rpc('sessions.create', { peerId: `pager-${i}` })).sessionKey);
    const total = existing + created.length;
    const page = await browser.newPage();
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/sessions`);
    const rows = page.getByTestId('session-row');
    await page.getByTestId('load-more').waitFor({ timeout: Timeout });
    assert.equal(await rows.count(), 25);
    // Newest activity first: the last one created leads.
    assert.ok((await rows.first().innerText()).includes(created.at(-1)));
    await page.getByTestId('load-more').click();
    await page.getByTestId('list-end').waitFor({ timeout: Timeout });
    assert.equal(await rows.count(), total);
    assert.match(await page.getByTestId('list-end').innerText(), new RegExp(`^${total} sessions, all shown`));
    // Every session shows once.
    const keys = await rows.evaluateAll((els) => els.map((el) => el.dataset.key));
    assert.equal(new Set(keys).size, total);
    await page.close();
  });
});
