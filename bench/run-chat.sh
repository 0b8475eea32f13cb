#!/usr/bin/env bash
# The agents issue's chat-turn number (docs/benchmarks.md, "## Chat turn"): a full chat turn through the gateway
# against a zero-latency fake model, WebSocket chat.send to done, no tools, ours beside the original OpenClaw's in the
# same run with the same fake model (the peer's mock-llm.mjs, an instant OpenAI-compatible streaming model: "pong").
#   1. the fake model on a free loopback port;
#   2. our NativeAOT gateway (artifacts/aot/openclaw, published if missing) with a fresh state dir whose config points
#      the default agent at the fake model; the chat-turn driver: TURNS sequential turns on one session, then TURNS on
#      a fresh session each, after WARMUP warm-up turns;
#   2b. a second pass with the driver serving the fake model itself, splitting our turn at the model call;
#   3. unless SKIP_PEER=1: the original (peers/openclaw/start.sh with MOCK_LLM_URL), its own chat-probe.mjs for
#      PEER_TURNS turns on one session, then the same chat-turn driver over its protocol (a same-client check);
#   4. a summary: both p50s and the ratio against the goal (ours at least 20 times faster).
# About 4 minutes with the peer (its turns take a few hundred ms each). Knobs: TURNS (100), WARMUP (10), PEER_TURNS and
# PEER_WARMUP (default: the same, so both sessions grow to the same length), SKIP_PEER=1, STATE_ROOT (where our state
# dirs go, default the work dir under /tmp; /dev/shm shows what the fsyncs cost, since fsync there does nothing),
# PEER_DIR, LOG_LEVEL (our gateway's logging.level, default info), PHASES=0 skips the split of our turn (a second
# pass on the driver's own fake model, which stamps each model request on the driver's clock), KEEP=1 keeps the work
# dir (gateway and mock logs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TURNS="${TURNS:-100}"
WARMUP="${WARMUP:-10}"
PEER_TURNS="${PEER_TURNS:-$TURNS}"
PEER_WARMUP="${PEER_WARMUP:-$WARMUP}"
SKIP_PEER="${SKIP_PEER:-0}"
PEER_DIR="${PEER_DIR:-/work/shared/peers/openclaw}"
LOG_LEVEL="${LOG_LEVEL:-info}"
BIN=artifacts/aot/openclaw
NODE="${NODE:-node}"

if [ ! -x "$BIN" ]; then
  echo "== building the NativeAOT binary (a few minutes, once)"
  dotnet publish src/OpenClaw.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot >/dev/null
fi
dotnet build -c Release bench/OpenClaw.Bench >/dev/null

WORK="$(mktemp -d /tmp/openclaw-bench-chat.XXXXXX)"
STATE="$WORK"
[ -z "${STATE_ROOT:-}" ] || STATE="$(mktemp -d "$STATE_ROOT/openclaw-bench-chat-state.XXXXXX")"
RESULTS="$WORK/results.txt"
: > "$RESULTS"
MOCK_PID=""
OUR_PID=""
PEER_PORT=""
cleanup() {
  if [ -n "$OUR_PID" ] && kill -0 "$OUR_PID" 2>/dev/null; then kill "$OUR_PID"; wait "$OUR_PID" 2>/dev/null || true; fi
  if [ -n "$PEER_PORT" ]; then bash "$PEER_DIR/stop.sh" "$PEER_PORT" 2>/dev/null || true; fi
  if [ -n "$MOCK_PID" ] && kill -0 "$MOCK_PID" 2>/dev/null; then kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "(work dir kept: $WORK $STATE)"; else rm -rf "$WORK" "$STATE"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # wait_port PORT PID: until PORT accepts connections, while PID lives (10 s at most)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
drive() { # drive LABEL ARGS...: the chat-turn driver, recording under LABEL; a failure does not stop the script
  local label="$1"; shift
  local rc=0
  dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- chat-turn "$@" --record "$RESULTS" --label "$label" || rc=$?
  [ "$rc" = 0 ] || echo "   (chat-turn exited $rc: 1 = the goal missed, 2 = could not run)"
  return 0
}

echo "== the fake model (peers/openclaw/mock-llm.mjs)"
MOCK_PORT="$(free_port)"
"$NODE" "$PEER_DIR/mock-llm.mjs" "$MOCK_PORT" > "$WORK/mock.log" 2>&1 &
MOCK_PID=$!
wait_port "$MOCK_PORT" "$MOCK_PID" || { echo "   the fake model did not start:"; cat "$WORK/mock.log"; exit 1; }
MOCK_URL="http://127.0.0.1:$MOCK_PORT/v1"
# The request shape our openai-compatible client sends: streaming, with the usage chunk asked for.
probe="$(curl -s --max-time 5 -H 'Content-Type: application/json' \
  --data '{"model":"mock-model","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}' \
  "$MOCK_URL/chat/completions" || true)"
if grep -q '"content":"pong"' <<<"$probe" && grep -q '"usage"' <<<"$probe" && grep -q '^data: \[DONE\]' <<<"$probe"; then
  echo "   $MOCK_URL streams \"pong\", a usage chunk and [DONE] for a stream:true, include_usage request"
else
  echo "   WARNING: $MOCK_URL did not stream as expected:"; head -c 600 <<<"$probe"; echo
fi

start_ours() { # start_ours MODEL_URL NAME: our gateway on a free port, its default agent on MODEL_URL; sets OUR_PID and URL
  local dir="$STATE/$2"
  mkdir -p "$dir"
  cat > "$dir/openclaw.json" <<JSON
{
  gateway: { limits: { requestsPerMinute: 100000000 } },
  providers: { mock: { type: "openai-compatible", baseUrl: "$1", maxRetries: 0 } },
  agents: { default: { model: "mock/mock-model" } },
  logging: { level: "$LOG_LEVEL" },
}
JSON
  OPENCLAW_GATEWAY_TOKEN="$TOKEN" "$BIN" gateway run --port 0 --state-dir "$dir" > "$dir/gateway.out" 2>&1 &
  OUR_PID=$!
  URL=""
  local port="" ready=""
  for _ in $(seq 1 100); do
    port="$(sed -n 's|^openclaw gateway listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$dir/gateway.out" | head -1)"
    [ -n "$port" ] && break
    kill -0 "$OUR_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$port" ]; then
    for _ in $(seq 1 100); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health/ready" || true)" = 200 ] && ready=1 && break
      sleep 0.1
    done
  fi
  if [ -z "$ready" ]; then echo "   our gateway did not get ready:"; cat "$dir/gateway.out"; return 1; fi
  URL="http://127.0.0.1:$port"
  echo "   $URL ready (state dir $dir, logging.level $LOG_LEVEL)"
}
stop_ours() {
  if [ -n "$OUR_PID" ] && kill -0 "$OUR_PID" 2>/dev/null; then
    awk '/VmRSS/{printf "   our gateway RSS after the turns: %.1f MiB\n", $2/1024}' "/proc/$OUR_PID/status" 2>/dev/null || true
    kill "$OUR_PID"; wait "$OUR_PID" 2>/dev/null || true
  fi
  OUR_PID=""
}

TOKEN="bench-$(date +%s%N | sha256sum | head -c 24)"
echo "== ours: NativeAOT gateway, default agent on the fake model"
if start_ours "$MOCK_URL" state; then
  before="$(grep -c '"n":' "$WORK/mock.log" || true)"
  OPENCLAW_GATEWAY_TOKEN="$TOKEN" drive ours --url "$URL" --turns "$TURNS" --warmup "$WARMUP" --shape both
  echo "   the fake model answered $(( $(grep -c '"n":' "$WORK/mock.log" || true) - before )) chat completions for us; our last request: $(grep '"n":' "$WORK/mock.log" | tail -1)"
fi
stop_ours

if [ "${PHASES:-1}" = 1 ]; then
  echo "== ours: where a turn goes (a fresh gateway on the driver's own instant model, which stamps each request)"
  MODEL_PORT="$(free_port)"
  if start_ours "http://127.0.0.1:$MODEL_PORT/v1" phases; then
    OPENCLAW_GATEWAY_TOKEN="$TOKEN" drive phases --url "$URL" --turns "$TURNS" --warmup "$WARMUP" --shape both --serve-model "$MODEL_PORT"
  fi
  stop_ours
fi

PEER_P50=""; PEER_P99=""; PEER_N=""
if [ "$SKIP_PEER" != 1 ]; then
  echo "== the original OpenClaw on the same fake model"
  PEER_PORT="$(free_port)"
  PEER_TOKEN="peer-bench-token"
  if MOCK_LLM_URL="$MOCK_URL" bash "$PEER_DIR/start.sh" "$PEER_PORT" "$PEER_TOKEN" > "$WORK/peer.pid"; then
    before="$(grep -c '"n":' "$WORK/mock.log" || true)"
    echo "   its chat-probe.mjs: $((PEER_WARMUP + PEER_TURNS)) turns on one session (the first $PEER_WARMUP not counted)"
    if PEER_ROOT="${PEER_ROOT:-/tmp/peer}" "$NODE" "$PEER_DIR/chat-probe.mjs" "$PEER_PORT" "$PEER_TOKEN" "$((PEER_WARMUP + PEER_TURNS))" \
        > "$WORK/peer-probe.json" 2> "$WORK/peer-probe.err"; then
      read -r PEER_N PEER_P50 PEER_P90 PEER_P99 PEER_MAX PEER_FD50 PEER_STATES < <(python3 - "$WORK/peer-probe.json" "$PEER_WARMUP" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1])); w = int(sys.argv[2])
rows = d["rows"][w:]
fin = sorted(r["finalMs"] for r in rows if r.get("finalMs") is not None)
fd = sorted(r["firstDeltaMs"] for r in rows if r.get("firstDeltaMs") is not None)
pct = lambda xs, p: xs[max(1, math.ceil(p / 100 * len(xs))) - 1] if xs else float("nan")
states = ",".join(sorted({str(r.get("state")) for r in rows}))
print(len(fin), pct(fin, 50), pct(fin, 90), pct(fin, 99), max(fin) if fin else "nan", pct(fd, 50), states)
PY
)
      echo "   chat-probe.mjs: chat.send -> final p50 $PEER_P50 ms, p90 $PEER_P90 ms, p99 $PEER_P99 ms, max $PEER_MAX ms ($PEER_N turns, states $PEER_STATES); first delta p50 $PEER_FD50 ms"
      echo "   its last reply: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"][-1]["text"])' "$WORK/peer-probe.json")"
      printf 'peer.probe.p50_ms=%s\npeer.probe.p99_ms=%s\n' "$PEER_P50" "$PEER_P99" >> "$RESULTS"
    else
      echo "   chat-probe.mjs failed:"; tail -5 "$WORK/peer-probe.err"
    fi
    echo "   the same chat-turn driver over its protocol ($PEER_TURNS turns after $PEER_WARMUP, one session then a fresh one per turn)"
    drive peer --peer-port "$PEER_PORT" --token "$PEER_TOKEN" --turns "$PEER_TURNS" --warmup "$PEER_WARMUP" --shape both
    echo "   the fake model answered $(( $(grep -c '"n":' "$WORK/mock.log" || true) - before )) chat completions for the original; its last request: $(grep '"n":' "$WORK/mock.log" | tail -1)"
  else
    echo "   the original OpenClaw did not start (see above)"
  fi
  bash "$PEER_DIR/stop.sh" "$PEER_PORT" || true
  PEER_PORT=""
fi

# ---- summary ----
get() { { grep "^$1=" "$RESULTS" || true; } | tail -1 | cut -d= -f2; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }' || printf -- '-'; }
mark() { [[ "$1" =~ ^[0-9.]+$ ]] && awk -v v="$1" -v g="$2" 'BEGIN { printf (v >= g ? "met" : "MISSED") }' || printf -- '-'; }
num() { [ -n "$1" ] && printf '%.2f' "$1" || printf 'not measured'; }
O50="$(get ours.same.p50_ms)"; O99="$(get ours.same.p99_ms)"; OF50="$(get ours.fresh.p50_ms)"; OF99="$(get ours.fresh.p99_ms)"
P50="$(get peer.probe.p50_ms)"; P99="$(get peer.probe.p99_ms)"
D50="$(get peer.same.p50_ms)"; D99="$(get peer.same.p99_ms)"; DF50="$(get peer.fresh.p50_ms)"; DF99="$(get peer.fresh.p99_ms)"
R="$(ratio "$P50" "$O50")"
echo
echo "== summary ($(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
printf '| %-58s | %-12s | %-12s | %-12s | %-12s |\n' "chat.send to done, fake model, no tools (ms)" "ours p50" "ours p99" "original p50" "original p99"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})"
printf '| %-58s | %-12s | %-12s | %-12s | %-12s |\n' "one session (original: its chat-probe.mjs)" "$(num "$O50")" "$(num "$O99")" "$(num "$P50")" "$(num "$P99")"
printf '| %-58s | %-12s | %-12s | %-12s | %-12s |\n' "one session (original: our chat-turn driver)" "$(num "$O50")" "$(num "$O99")" "$(num "$D50")" "$(num "$D99")"
printf '| %-58s | %-12s | %-12s | %-12s | %-12s |\n' "a fresh session per turn (our chat-turn driver)" "$(num "$OF50")" "$(num "$OF99")" "$(num "$DF50")" "$(num "$DF99")"
echo "ratio of p50s, one session, against chat-probe.mjs: $R (goal >= 20x: $(mark "${R%x}" 20))"
echo "ratio of p50s, one session, same driver: $(ratio "$D50" "$O50"); fresh sessions: $(ratio "$DF50" "$OF50")"
