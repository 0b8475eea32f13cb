// A scriptable OpenAI-compatible chat model on 127.0.0.1 for the browser tests (the real wire format: SSE
// chat.completion.chunk events). What it answers depends on the last message:
//   - "run <command>"  → calls the exec tool with {command}; the tool's result is then answered "tool said: …"
//   - contains "slow"  → streams "tick 1 tick 2 …" for about a minute (so Stop can be tested)
//   - anything else    → "You said: <message>" streamed word by word with small delays
// startFakeModel() → { url (…/v1), requests (bodies received), stop() }.
import http from 'node:http';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeModel({ tokenDelayMs = 25, slowTokens = 600, slowDelayMs = 100 } = {}) {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake', object: 'model' }] }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404);
      res.end();
      return;
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => void answer(JSON.parse(body), res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const chunk = (res, delta, finish = null) =>
    res.write(
      `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );

  async function answer(request, res) {
    requests.push(request);
    let closed = false;
    res.on('close', () => (closed = true));
    const last = request.messages.at(-1);
    const text = typeof last.content === 'string' ? last.content : JSON.stringify(last.content ?? '');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    chunk(res, { role: 'assistant', content: '' });
    const command = last.role === 'user' ? /^run (.+)$/s.exec(text.trim())?.[1] : null;
    if (command) {
      chunk(res, { tool_calls: [{ index: 0, id: `call_${requests.length}`, type: 'function', function: { name: 'exec', arguments: '' } }] });
      chunk(res, { tool_calls: [{ index: 0, function: { arguments: JSON.stringify({ command }) } }] });
      chunk(res, {}, 'tool_calls');
    } else {
      const slow = last.role === 'user' && /\bslow\b/i.test(text);
      const words = slow
        ? Array.from({ length: slowTokens }, (_, i) => `tick ${i + 1} `)
        : (last.role === 'tool' ? `tool said: ${text.slice(0, 400)}` : `You said: ${text}`).split(/(?<= )/);
      for (const word of words) {
        if (closed) return;
        chunk(res, { content: word });
        await sleep(slow ? slowDelayMs : tokenDelayMs);
      }
      chunk(res, {}, 'stop');
    }
    if (closed) return;
    res.write(
      `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const model = await startFakeModel();
  console.log(`fake-model listening on ${model.url}`);
}
