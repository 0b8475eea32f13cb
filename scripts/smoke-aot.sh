#!/usr/bin/env bash
# Starts a published openclaw binary on a free loopback port with a fresh state directory, checks /health, stops it.
set -euo pipefail
bin="$(realpath "$1")"
state="$(mktemp -d)"
out="$state/gateway.out"
# A loopback stand-in for a model provider (OpenAI wire format), so chat runs for real under NativeAOT.
node "$(dirname "${BASH_SOURCE[0]}")/mock-model.mjs" 0 >"$state/mock.out" 2>&1 &
mock=$!
# And one for the Telegram Bot API, so the Telegram channel runs for real too (pairing, a tool reply by edits, /new).
export SMOKE_TELEGRAM_TOKEN="123456:smoke-telegram-token"
node "$(dirname "${BASH_SOURCE[0]}")/mock-telegram.mjs" 0 "$SMOKE_TELEGRAM_TOKEN" >"$state/telegram.out" 2>&1 &
telegram=$!
trap 'kill "$pid" "$mock" "$telegram" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"' EXIT
for _ in $(seq 1 50); do grep -q listening "$state/mock.out" && grep -q listening "$state/telegram.out" && break; sleep 0.1; done
model_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/v1' "$state/mock.out")
telegram_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$state/telegram.out")
cat >"$state/openclaw.json" <<JSON
{
  providers: { mock: { type: "openai-compatible", baseUrl: "$model_url", maxRetries: 0 } },
  agents: { default: { model: "mock/mock", tools: { approval: "never" } } },
  channels: { telegram: { enabled: true, apiBaseUrl: "$telegram_url", botToken: "\${SMOKE_TELEGRAM_TOKEN}" } },
}
JSON
OPENCLAW_STATE_DIR="$state" "$bin" gateway run --port 0 >"$out" 2>&1 &
pid=$!
address=""
for _ in $(seq 1 100); do
  address=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$out" | head -1 || true)
  [ -n "$address" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
  sleep 0.1
done
[ -n "$address" ] || { echo "smoke: no listening address printed"; cat "$out"; exit 1; }
body=$(curl -fsS "$address/health")
echo "smoke: $address/health -> $body"
echo "$body" | grep -q '"status":"ok"'

# The dashboard is embedded in the published binary: index.html with its CSP and no caching, and the script it links.
headers=$(curl -fsS -D - -o "$state/index.html" "$address/")
echo "$headers" | grep -qi '^content-security-policy:.*script-src .self.' || { echo "smoke: / has no CSP"; echo "$headers"; exit 1; }
echo "$headers" | grep -qi '^cache-control: no-store' || { echo "smoke: index.html is cacheable"; echo "$headers"; exit 1; }
asset=$(grep -oE '/assets/[^"]+\.js' "$state/index.html" | head -1)
[ -n "$asset" ] || { echo "smoke: index.html links no script"; cat "$state/index.html"; exit 1; }
asset_headers=$(curl -fsS -D - -o /dev/null "$address$asset")
echo "$asset_headers" | grep -qi '^cache-control: public, max-age=31536000, immutable' \
  || { echo "smoke: $asset is not served as an immutable asset"; echo "$asset_headers"; exit 1; }
echo "smoke: dashboard / and $asset ok"

# The published binary's JSON-RPC paths (source-generated JSON, Argon2, SQLite, WebSocket and framing all run here
# under NativeAOT, where a missing serializer or trimmed type would only show at run time).
export OPENCLAW_STATE_DIR="$state"
rpc() { "$bin" rpc call --url "$address" "$@"; }
check() { # check LABEL EXPECTED-SUBSTRING OUTPUT
  if ! echo "$3" | grep -q -- "$2"; then echo "smoke: $1 failed:"; echo "$3"; exit 1; fi
  echo "smoke: $1 ok"
}
check "system.version" '"openclaw"' "$(rpc system.version)"
check "system.status (stored gateway token, read while the gateway runs)" '"uptimeSeconds"' "$(rpc system.status)"
check "system.status lists providers and whether each has its key" '"hasKey": *false' "$(rpc system.status)"
check "usage.summary" '"total"' "$(rpc usage.summary '{"groupBy":"day"}')"
check "models.list names the provider that lacks its key" 'credentials set anthropic' "$(rpc models.list '{"provider":"anthropic"}' 2>&1 || true)"
check "sessions.create" '"sessionKey"' "$(rpc sessions.create '{}')"
check "sessions.list" '"sessions"' "$(rpc sessions.list '{"limit":5}')"
check "config.get masks secrets" '"\*\*\*"' "$(rpc config.get '{}')"
check "users.create" '"operator"' "$(rpc users.create '{"username":"smoke","password":"smoke-password-1","role":"operator"}')"
login=$(OPENCLAW_GATEWAY_TOKEN= rpc auth.login '{"username":"smoke","password":"smoke-password-1"}')
check "auth.login" '"refreshToken"' "$login"
check "bad params name the field" 'limmit' "$(rpc sessions.list '{"limmit":5}' 2>&1 || true)"
check "WebSocket through rpc stdio" '"result"' "$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"system.methods"}' | "$bin" rpc stdio --url "$address" --wait 5)"

# Chat under NativeAOT: the runtime, the provider client, source-generated events and the exec tool in the sandbox.
session=$(rpc sessions.create '{}' | grep -oE 'agent:[^"]+')
check "chat.send with wait gets the model's reply" '"reply": *"pong"' "$(rpc chat.send "{\"sessionKey\":\"$session\",\"message\":\"hi\",\"wait\":true}")"
check "a tool call runs exec in the sandbox and its output goes back to the model" 'smoke-exec-ok' \
  "$(rpc chat.send "{\"sessionKey\":\"$session\",\"message\":\"run echo smoke-exec-ok\",\"wait\":true}")"
check "chat.history" '"role": *"tool"' "$(rpc chat.history "{\"sessionKey\":\"$session\"}")"
check "agents.list" '"mock/mock"' "$(rpc agents.list)"
check "tools.list" '"inputSchema"' "$(rpc tools.list)"
check "doctor sees the running gateway on its port" '"gateway.port"' "$("$bin" doctor --json 2>&1 || true)"
check "security audit" '"tools.exec-network-unapproved"' "$("$bin" security audit --json 2>&1 || true)"

# Telegram under NativeAOT, through the mock Bot API: a stranger gets a pairing code, the owner approves it with the
# CLI, a tool-using reply streams by edits, /new starts a fresh session, /stop answers, and the sessions are listed.
tg() { curl -fsS -X POST -H 'content-type: application/json' -d "$2" "$telegram_url/$1" >/dev/null; }
sent_with() { # sent_with SUBSTRING: waits up to 20 s until the bot sent (or edited to) a text containing it
  for _ in $(seq 1 200); do
    if curl -fsS "$telegram_url/_sent" | grep -q -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "smoke: the bot never sent '$1'; it sent:"; curl -fsS "$telegram_url/_sent"; echo; tail -20 "$out"; exit 1
}
check "channels.status: telegram connected as the bot" '"account": *"@smoke_bot"' "$(rpc channels.status)"
tg _push '{"text":"hello","from":4242}'
sent_with "pairing code"
code=$(curl -fsS "$telegram_url/_sent" | grep -oE 'pairing code is <b>[A-Z0-9]{8}</b>|pairing code is \*\*[A-Z0-9]{8}\*\*' | grep -oE '[A-Z0-9]{8}' | head -1)
[ -n "$code" ] || { echo "smoke: no pairing code in the bot's message"; curl -fsS "$telegram_url/_sent"; exit 1; }
check "pairing list shows the code" "$code" "$("$bin" pairing list --url "$address")"
check "pairing approve" 'approved' "$("$bin" pairing approve telegram "$code" --url "$address")"
sent_with "You are paired"
tg _push '{"text":"run echo smoke-telegram-ok","from":4242}'
sent_with "smoke-telegram-ok"
edits=$(curl -fsS "$telegram_url/_sent" | grep -o '"kind":"edit"' | wc -l)
[ "$edits" -ge 1 ] || { echo "smoke: the reply did not stream by edits"; curl -fsS "$telegram_url/_sent"; exit 1; }
echo "smoke: a tool-using reply on Telegram streamed by $edits edit(s) ok"
check "sessions.list has the Telegram session" 'agent:default:telegram:4242' "$(rpc sessions.list '{"channel":"telegram"}')"
tg _push '{"text":"/new","from":4242}'
sent_with "Started a new conversation"
check "/new ended the old session and started another" '"endedReason": *"/new"' "$(rpc sessions.list '{"channel":"telegram"}')"
tg _push '{"text":"/stop","from":4242}'
sent_with "Nothing is running"
echo "smoke: Telegram pairing, tool reply, /new and /stop ok"

# The rest of the CLI under NativeAOT, against the running gateway and its state directory.
check "gateway status finds the running gateway" '"running": *true' "$("$bin" gateway status --json)"
check "status shows the channels" 'telegram' "$("$bin" status)"
check "sessions list" 'agent:default:telegram:4242' "$("$bin" sessions list --url "$address")"
check "sessions export as Markdown" 'run echo smoke-telegram-ok' "$("$bin" sessions export "$(rpc sessions.list '{"channel":"telegram","state":"ended"}' | grep -oE 'agent:default:telegram:4242:[a-z0-9]+' | head -1)" --format md --url "$address")"
check "logs" 'Telegram connected' "$("$bin" logs --lines 200)"
shown=$("$bin" config show --url "$address")
check "config show masks the bot token" '"botToken": *"\*\*\*"' "$shown"
if echo "$shown" | grep -q "smoke-telegram-token"; then echo "smoke: config show printed the bot token"; exit 1; fi
check "completion" '\[suggest' "$("$bin" completion bash)"
check "daemon install --dry-run" 'ExecStart=' "$("$bin" daemon install --dry-run 2>&1 || true)"
check "a wrong command line is exit 2" 'exit 2' "$("$bin" gateway bogus 2>/dev/null; echo "exit $?")"
check "gateway stop" 'gateway stopped' "$("$bin" gateway stop)"
check "status after stop says not running (exit 3)" 'exit 3' "$("$bin" gateway status >/dev/null 2>&1; echo "exit $?")"
echo "smoke: CLI under NativeAOT ok"
