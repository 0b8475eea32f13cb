// A loopback stand-in for the Telegram Bot API, for the NativeAOT smoke test and the channel benchmarks: the real
// Bot API JSON for the methods the gateway uses, with long polling, plus control endpoints to play the user.
// Usage: node scripts/mock-telegram.mjs [PORT] [TOKEN]   (prints "mock-telegram listening on http://127.0.0.1:PORT")
//   POST /_push  {text, from?, name?, chatId?, chatType?}  queue one message update (from defaults to 4242, a private
//                                                  chat; name is the sender's first name, User<from> by default)
//   POST /_flood {count, from?, senders?, text?}    queue many at once (senders from, from+1, … cycling over `senders`, 100)
//   GET  /_sent                                    what the bot sent: [{kind: "send"|"edit", chatId, messageId, text}]
//   GET  /_stats                                   {pending, offset, updates, calls: {method: n}}
import http from 'node:http';

const port = Number(process.argv[2] || 0);
const token = process.argv[3] || null;
const bot = { id: 900001, is_bot: true, first_name: 'Smoke', username: 'smoke_bot' };
const updates = [];      // not yet confirmed, in order
let nextUpdateId = 1;
let offset = 0;          // everything below is confirmed (forgotten)
let nextMessageId = 1;
let waiters = [];        // long polls waiting for an update
const sent = [];
const calls = {};

const json = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
const ok = (res, result) => json(res, 200, { ok: true, result });
const now = () => Math.floor(Date.now() / 1000);

function push({ text, from = 4242, name, chatId, chatType = 'private' }) {
  const user = { id: from, is_bot: false, first_name: name ?? `User${from}` };
  const chat = chatType === 'private' ? { id: chatId ?? from, type: 'private', first_name: user.first_name } : { id: chatId, type: chatType, title: 'Group' };
  updates.push({ update_id: nextUpdateId++, message: { message_id: nextMessageId++, date: now(), from: user, chat, text } });
  const ready = waiters; waiters = []; ready.forEach((wake) => wake());
}

function pending(limit) { return updates.filter((u) => u.update_id >= offset).slice(0, limit); }

function message(chatId, text) { return { message_id: nextMessageId++, date: now(), chat: { id: Number(chatId), type: 'private' }, from: bot, text }; }

const methods = {
  getMe: (p, res) => ok(res, bot),
  deleteWebhook: (p, res) => ok(res, true),
  setWebhook: (p, res) => ok(res, true),
  getWebhookInfo: (p, res) => ok(res, { url: '', has_custom_certificate: false, pending_update_count: pending(1e9).length }),
  sendChatAction: (p, res) => ok(res, true),
  getUpdates: (p, res) => {
    if (p.offset !== undefined) {
      offset = Math.max(offset, Number(p.offset));
      while (updates.length && updates[0].update_id < offset) updates.shift();
    }
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const answer = () => ok(res, pending(limit));
    if (pending(1).length || !Number(p.timeout)) { answer(); return; }
    let done = false;
    const wake = () => { if (!done) { done = true; clearTimeout(timer); answer(); } };
    const timer = setTimeout(wake, Number(p.timeout) * 1000);
    waiters.push(wake);
    res.on('close', () => { done = true; clearTimeout(timer); });
  },
  sendMessage: (p, res) => {
    const m = message(p.chat_id, p.text);
    sent.push({ kind: 'send', chatId: String(p.chat_id), messageId: m.message_id, text: p.text, parseMode: p.parse_mode ?? null });
    ok(res, m);
  },
  editMessageText: (p, res) => {
    const entry = sent.find((s) => s.kind === 'send' && s.messageId === Number(p.message_id));
    if (entry && entry.text === p.text) { json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message is not modified' }); return; }
    if (entry) entry.text = p.text;
    sent.push({ kind: 'edit', chatId: String(p.chat_id), messageId: Number(p.message_id), text: p.text, parseMode: p.parse_mode ?? null });
    ok(res, message(p.chat_id, p.text));
  },
};

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const type = req.headers['content-type'] || '';
      if (!body) resolve({});
      else if (type.includes('json')) resolve(JSON.parse(body));
      else resolve(Object.fromEntries(new URLSearchParams(body)));
    });
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const body = req.method === 'POST' ? await readBody(req) : {};
  if (url.pathname === '/_push') { push(body); ok(res, true); return; }
  if (url.pathname === '/_flood') {
    const from = Number(body.from ?? 5000);
    const senders = Number(body.senders ?? 100);
    for (let i = 0; i < Number(body.count); i++) push({ text: body.text ?? `message ${i}`, from: from + (i % senders) });
    ok(res, true); return;
  }
  if (url.pathname === '/_sent') { json(res, 200, sent); return; }
  if (url.pathname === '/_stats') { json(res, 200, { pending: pending(1e9).length, offset, updates: nextUpdateId - 1, sent: sent.filter((s) => s.kind === 'send').length, calls }); return; }
  const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
  if (!match) { json(res, 404, { ok: false, error_code: 404, description: 'Not Found' }); return; }
  if (token && match[1] !== token) { json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' }); return; }
  const method = methods[match[2]];
  calls[match[2]] = (calls[match[2]] ?? 0) + 1;
  if (!method) { json(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' }); return; }
  method({ ...Object.fromEntries(url.searchParams), ...body }, res);
});
server.listen(port, '127.0.0.1', () => console.log(`mock-telegram listening on http://127.0.0.1:${server.address().port}`));
