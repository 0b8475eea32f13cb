#!/usr/bin/env bash
# Starts a published openclaw binary on a free loopback port with a fresh state directory, checks /health, stops it.
set -euo pipefail
bin="$(realpath "$1")"
state="$(mktemp -d)"
out="$state/gateway.out"
# A loopback stand-in for a model provider (OpenAI wire format), so chat runs for real under NativeAOT.
node "$(dirname "${BASH_SOURCE[0]}")/mock-model.mjs" 0 >"$state/mock.out" 2>&1 &
mock=$!
trap 'kill "$pid" "$mock" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"' EXIT
for _ in $(seq 1 50); do grep -q listening "$state/mock.out" && break; sleep 0.1; done
model_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/v1' "$state/mock.out")
cat >"$state/openclaw.json" <<JSON
{
  providers: { mock: { type: "openai-compatible", baseUrl: "$model_url", maxRetries: 0 } },
  agents: { default: { model: "mock/mock", tools: { approval: "never" } } },
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
