// A tiny OpenAI-compatible chat model for smoke tests and benchmarks: streams SSE chunks at once, no key.
// "run <command>" in the last user message makes it call the exec tool once; a tool result is answered by quoting it.
// Usage: node scripts/mock-model.mjs [PORT]   (prints "mock-model listening on http://127.0.0.1:PORT/v1")
import http from 'node:http';

const port = Number(process.argv[2] || 0);
const chunk = (res, delta, finish = null) =>
  res.write(`data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 0, model: 'mock',
    choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'mock', object: 'model' }] }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') { res.writeHead(404); res.end(); return; }
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const request = JSON.parse(body);
    const last = request.messages.at(-1);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    chunk(res, { role: 'assistant', content: '' });
    const command = last.role === 'user' && typeof last.content === 'string' ? /^run (.+)$/s.exec(last.content)?.[1] : null;
    if (command) {
      chunk(res, { tool_calls: [{ index: 0, id: 'call_mock_1', type: 'function', function: { name: 'exec', arguments: '' } }] });
      chunk(res, { tool_calls: [{ index: 0, function: { arguments: JSON.stringify({ command }) } }] });
      chunk(res, {}, 'tool_calls');
    } else {
      const text = last.role === 'tool' ? `tool said: ${String(last.content).slice(0, 400)}` : 'pong';
      chunk(res, { content: text });
      chunk(res, {}, 'stop');
    }
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 0, model: 'mock', choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
});
server.listen(port, '127.0.0.1', () => console.log(`mock-model listening on http://127.0.0.1:${server.address().port}/v1`));
