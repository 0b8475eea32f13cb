// The chat: a streamed reply, approvals (allow and deny), stopping a run, markup shown as text, highlighted code,
// errors in the conversation, and the layout on a phone and in the dark theme.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, signIn, startGateway, waitFor, watchPage, Timeout } from './harness.mjs';

describe('chat', () => {
  let gateway;
  let browser;

  before(async () => {
    gateway = await startGateway({
      // exec asks before it runs (the default policy, stated so the journey does not depend on the harness's default).
      config: { agents: { default: { tools: { approval: 'dangerous' } } } },
      // Slow enough that the partial reply is on screen for a while, even on a loaded machine.
      model: { tokenDelayMs: 80 },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  /** Signs in, opens /chat, starts a new chat with the default agent and returns its session key. */
  async function newChat(page) {
    await signIn(page, gateway);
    await page.goto(`${gateway.url}/chat`);
    const select = page.getByTestId('agent-select');
    await waitFor(async () => (await select.inputValue()) === 'default', 'the default agent is picked');
    await page.getByTestId('new-chat').click();
    await page.waitForURL(/\/chat\/agent%3Adefault%3A|\/chat\/agent:default:/, { timeout: Timeout });
    return decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  }

  async function sendMessage(page, text) {
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-send').click();
  }

  const lastReply = (page) => page.getByTestId('assistant-message').last();

  test('a message streams its reply in token by token, and the chat can be reopened from the list', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    const sessionKey = await newChat(page);
    // Record every text the reply bubble shows while it streams.
    await page.evaluate(() => {
      window.__replySnapshots = [];
      const log = document.querySelector('[data-test="chat-log"]');
      new MutationObserver(() => {
        const bubble = [...document.querySelectorAll('[data-test="assistant-message"]')].at(-1);
        if (bubble) window.__replySnapshots.push({ text: bubble.querySelector('.markdown')?.textContent ?? '', status: bubble.dataset.status });
      }).observe(log, { subtree: true, childList: true, characterData: true });
    });
    const message = 'hello there, please answer with all of these words one at a time';
    await sendMessage(page, message);

    const final = `You said: ${message}`;
    await page.getByTestId('user-message').filter({ hasText: message }).waitFor({ timeout: Timeout });
    // While streaming, a partial reply is visible and marked as streaming.
    await page.locator('[data-test="assistant-message"][data-status="streaming"]').waitFor({ timeout: Timeout });
    await page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: final }).waitFor({ timeout: Timeout });
    assert.equal((await lastReply(page).innerText()).trim(), final);
    const snapshots = await page.evaluate(() => window.__replySnapshots);
    const partial = snapshots.filter((s) => s.status === 'streaming' && s.text.length > 0 && s.text.trim() !== final);
    assert.ok(partial.length > 0, 'a partial reply was shown before the final one');
    assert.ok(partial.every((s) => final.startsWith(s.text.trim())), 'each partial state is a prefix of the reply');
    // Send works again after the run.
    assert.equal(await page.getByTestId('chat-send').isDisabled(), true, 'Send is disabled while the box is empty');
    await page.getByTestId('chat-input').fill('x');
    assert.equal(await page.getByTestId('chat-send').isDisabled(), false);

    // The chat shows in the recent list; reopening it loads the history from the gateway.
    const recent = page.getByTestId('recent-chat').filter({ hasText: message.slice(0, 20) });
    await recent.waitFor({ timeout: Timeout });
    await page.goto(`${gateway.url}/chat`);
    await page.getByTestId('recent-chat').filter({ hasText: message.slice(0, 20) }).click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname).endsWith(sessionKey), { timeout: Timeout });
    await page.getByTestId('user-message').filter({ hasText: message }).waitFor({ timeout: Timeout });
    await page.getByTestId('assistant-message').filter({ hasText: final }).waitFor({ timeout: Timeout });
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('a tool call that needs approval runs after Allow, and Deny shows the denial', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await newChat(page);

    await sendMessage(page, 'run echo hello-from-exec');
    const card = page.getByTestId('tool-card').filter({ hasText: 'exec' }).first();
    await card.locator('[data-test="approval"][data-decision="pending"]').waitFor({ timeout: Timeout });
    assert.match(await card.getByTestId('tool-params').innerText(), /"command": "echo hello-from-exec"/);
    await screenshot(page, 'chat-approval');
    await card.getByTestId('approve-allow').click();
    await card.getByTestId('approval-decision').filter({ hasText: 'allowed' }).waitFor({ timeout: Timeout });
    await page.locator('[data-test="tool-card"][data-status="done"]').waitFor({ timeout: Timeout });
    // The card folds; its result is one click away.
    await card.locator('summary').click();
    await card.getByTestId('tool-result').filter({ hasText: 'hello-from-exec' }).waitFor({ timeout: Timeout });
    await page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: 'tool said:' }).waitFor({ timeout: Timeout });
    await waitFor(async () => !(await page.getByTestId('chat-stop').isVisible()), 'the run is over');

    await sendMessage(page, 'run echo must-not-run');
    const second = page.getByTestId('tool-card').nth(1);
    await second.locator('[data-test="approval"][data-decision="pending"]').waitFor({ timeout: Timeout });
    await second.getByTestId('approve-deny').click();
    await second.getByTestId('approval-decision').filter({ hasText: 'denied' }).waitFor({ timeout: Timeout });
    await page.locator('[data-test="tool-card"][data-status="denied"]').waitFor({ timeout: Timeout });
    await second.locator('summary').click();
    const denial = await second.getByTestId('tool-result').innerText();
    assert.match(denial, /denied/i);
    assert.doesNotMatch(denial, /must-not-run\n/, 'the command did not run');
    await waitFor(async () => (await page.locator('[data-test="assistant-message"][data-status="done"]').count()) >= 2, 'the model answered the denial');
    await screenshot(page, 'chat-tools');
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('Stop ends a slow reply, keeps what streamed, says it stopped, and Send works again', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await newChat(page);
    await sendMessage(page, 'tell me something slow');
    const reply = page.locator('[data-test="assistant-message"][data-status="streaming"]');
    await reply.filter({ hasText: 'tick 3' }).waitFor({ timeout: Timeout });
    await page.getByTestId('chat-stop').click();

    const stopped = page.locator('[data-test="assistant-message"][data-status="stopped"]');
    await stopped.waitFor({ timeout: Timeout });
    assert.match(await stopped.getByTestId('reply-status').innerText(), /stopped/i);
    const kept = await stopped.locator('.markdown').innerText();
    assert.match(kept, /tick 3/);
    assert.doesNotMatch(kept, /tick 600/);
    await page.getByTestId('chat-stop').waitFor({ state: 'detached', timeout: Timeout });

    await sendMessage(page, 'and now something quick');
    await page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: 'You said: and now something quick' }).waitFor({ timeout: Timeout });
    // Nothing more arrived for the stopped reply meanwhile.
    assert.equal(await stopped.locator('.markdown').innerText(), kept);
    await screenshot(page, 'chat-stopped');
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('markup in a message shows as text, both as sent and when the model echoes it', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await newChat(page);
    const payload = '<img src=x onerror=alert(1)>';
    await sendMessage(page, payload);
    const mine = page.getByTestId('user-message').filter({ hasText: payload });
    await mine.waitFor({ timeout: Timeout });
    assert.equal(await mine.innerText(), payload);
    const echoed = page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: `You said: ${payload}` });
    await echoed.waitFor({ timeout: Timeout });
    assert.equal((await echoed.innerText()).trim(), `You said: ${payload}`);
    assert.equal(await page.locator('[data-test="chat-log"] img').count(), 0);
    assert.equal(await page.locator('[data-test="chat-log"] [onerror]').count(), 0);

    // A Markdown image and a javascript: link do not become an image or a script link either.
    await sendMessage(page, '![pixel](http://127.0.0.1:9/x.png) and [click](javascript:alert(2))');
    const second = page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: 'click' });
    await second.waitFor({ timeout: Timeout });
    assert.equal(await page.locator('[data-test="chat-log"] img').count(), 0);
    const hrefs = await second.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    // The image became a link, so there is at least one link to check (the checks below cannot pass on none).
    assert.ok(hrefs.some((h) => h === 'http://127.0.0.1:9/x.png'), `the image is a plain link (${hrefs})`);
    assert.ok(hrefs.every((h) => h === null || !/^javascript:/i.test(h)), `no javascript: link (${hrefs})`);
    const rels = await second.locator('a[href]').evaluateAll((links) => links.map((a) => `${a.target} ${a.rel}`));
    assert.ok(rels.length >= 1 && rels.every((r) => r === '_blank noopener noreferrer'), `links open safely (${rels})`);
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('a code block in a reply is highlighted; the sent message stays plain text', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await newChat(page);
    const message = 'Here is code:\n\n```js\nconst answer = 42; // the answer\n```';
    await sendMessage(page, message);
    const code = page.locator('[data-test="assistant-message"][data-status="done"] pre code.hljs');
    await code.waitFor({ timeout: Timeout });
    assert.equal(await code.locator('.hljs-keyword').first().innerText(), 'const');
    assert.equal(await code.locator('.hljs-number').first().innerText(), '42');
    assert.equal(await code.locator('.hljs-comment').first().innerText(), '// the answer');
    // The person's own message is not rendered as Markdown.
    const mine = page.getByTestId('user-message').last();
    assert.equal(await mine.innerText(), message);
    assert.equal(await mine.locator('pre, code').count(), 0);
    await screenshot(page, 'chat-desktop');
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('on a phone and in the dark theme the chat fits and reads well', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const page = await phone.newPage();
    await newChat(page);
    await sendMessage(page, 'Show me:\n\n```python\ndef hello():\n    return "a fairly long line of code that must scroll rather than widen the page"\n```');
    await page.locator('[data-test="assistant-message"][data-status="done"] pre code.hljs').waitFor({ timeout: Timeout });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing is wider than the screen');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await screenshot(page, 'chat-phone-dark');
    await phone.close();

    const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const desktop = await dark.newPage();
    await newChat(desktop);
    await sendMessage(desktop, 'run echo dark-theme');
    await desktop.locator('[data-test="approval"][data-decision="pending"]').waitFor({ timeout: Timeout });
    await screenshot(desktop, 'chat-desktop-dark');
    await desktop.getByTestId('approve-deny').click();
    await desktop.getByTestId('approval-decision').waitFor({ timeout: Timeout });
    await dark.close();
  });

  test('a connection that drops mid-run is said in the conversation, and the chat can be reloaded after', async () => {
    const page = await browser.newPage();
    await newChat(page);
    await sendMessage(page, 'a slow one please');
    await page.locator('[data-test="assistant-message"][data-status="streaming"]').filter({ hasText: 'tick 2' }).waitFor({ timeout: Timeout });
    await gateway.stopProcess();
    const dropped = page.locator('[data-test="chat-notice"][data-tone="error"]').filter({ hasText: 'connection to the gateway dropped' });
    await dropped.waitFor({ timeout: Timeout });
    await page.locator('[data-test="assistant-message"][data-status="lost"]').waitFor({ timeout: Timeout });
    await gateway.start();
    await page.locator('[data-test="connection"][data-state="open"]').waitFor({ timeout: Timeout });
    await dropped.getByRole('button', { name: 'Reload conversation' }).click();
    // The log has the message; the new run's events are live again.
    await page.getByTestId('user-message').filter({ hasText: 'a slow one please' }).waitFor({ timeout: Timeout });
    await page.getByTestId('chat-notice').first().waitFor({ state: 'detached', timeout: Timeout });
    await sendMessage(page, 'are you back?');
    await page.locator('[data-test="assistant-message"][data-status="done"]').filter({ hasText: 'You said: are you back?' }).waitFor({ timeout: Timeout });
    await page.close();
  });

  test('errors show in the conversation: an ended chat refuses the message, a failing provider is named', async () => {
    const page = await browser.newPage();
    const sessionKey = await newChat(page);
    await gateway.rpc('sessions.end', { sessionKey, reason: 'test' });
    await sendMessage(page, 'are you still there?');
    const busy = page.locator('[data-test="chat-notice"][data-tone="error"]').filter({ hasText: 'busy or has ended' });
    await busy.waitFor({ timeout: Timeout });
    // The message is given back to edit or resend.
    assert.equal(await page.getByTestId('chat-input').inputValue(), 'are you still there?');

    await page.getByTestId('new-chat').click();
    await page.waitForURL((url) => !decodeURIComponent(url.pathname).endsWith(sessionKey), { timeout: Timeout });
    await page.getByTestId('state-empty').waitFor({ timeout: Timeout });
    await gateway.model.stop(); // the model is gone: the provider fails
    await sendMessage(page, 'hello?');
    const failure = page.locator('[data-test="chat-notice"][data-tone="error"]').filter({ hasText: 'model provider failed' });
    await failure.waitFor({ timeout: Timeout });
    await page.getByTestId('chat-send').waitFor({ timeout: Timeout });
    await screenshot(page, 'chat-error');
    await page.close();
  });
});
