#!/usr/bin/env bash
# The gateway issue's numbers (docs/benchmarks.md, "## Gateway"), ours beside the original OpenClaw's:
#   1. launch-to-ready and idle RSS of our NativeAOT binary (gateway-start) and of the original (peer-start);
#   2. the original's `health` calls over one WebSocket with 32 in flight (peer-ws);
#   3. once POST /rpc and GET /ws answer: JSON-RPC load over 16 WebSockets (closed loop, and open loop at 10k req/s),
#      over one WebSocket with 32 in flight (the ratio), and over HTTP (gateway-ws, gateway-http).
# Then one summary table with the goals and ratios. About 4 minutes with the peer (RUNS=10, PEER_RUNS=3).
# Knobs: RUNS, PEER_RUNS, DURATION (s per load run), WARMUP (s), RATE (open-loop req/s), SKIP_PEER=1, PEER_DIR,
#        URL=http://127.0.0.1:PORT to load an already running gateway instead of launching one (token from
#        OPENCLAW_GATEWAY_TOKEN; start it with the raised limit below).
# Drivers print their own lines; a driver that misses a goal exits 1 and the script goes on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${RUNS:-10}"
PEER_RUNS="${PEER_RUNS:-3}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
RATE="${RATE:-10000}"
SKIP_PEER="${SKIP_PEER:-0}"
PEER_DIR="${PEER_DIR:-/work/shared/peers/openclaw}"
BIN=artifacts/aot/openclaw

if [ ! -x "$BIN" ]; then
  echo "== building the NativeAOT binary (a few minutes, once)"
  dotnet publish src/OpenClaw.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot >/dev/null
fi
dotnet build -c Release bench/OpenClaw.Bench >/dev/null

WORK="$(mktemp -d /tmp/openclaw-bench-gateway.XXXXXX)"
RESULTS="$WORK/results.txt"
: > "$RESULTS"
OUR_PID=""
PEER_PORT=""
cleanup() {
  if [ -n "$OUR_PID" ] && kill -0 "$OUR_PID" 2>/dev/null; then kill "$OUR_PID"; wait "$OUR_PID" 2>/dev/null || true; fi
  if [ -n "$PEER_PORT" ]; then bash "$PEER_DIR/stop.sh" "$PEER_PORT" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The bench config: the default rate limit (per principal per minute) would throttle a load run; this is the schema's max.
cat > "$WORK/openclaw.json" <<'JSON'
{ gateway: { limits: { requestsPerMinute: 100000000 } } }
JSON

drive() { # drive LABEL DRIVER ARGS...: runs a driver, recording under LABEL; a missed goal or failure does not stop the script
  local label="$1"; shift
  local rc=0
  dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- "$@" --record "$RESULTS" --label "$label" || rc=$?
  [ "$rc" = 0 ] || echo "   ($1 exited $rc: 1 = a goal missed, 2 = could not run)"
  return 0
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== ours: launch to ready and idle RSS ($RUNS runs)"
drive ours.start gateway-start --binary "$BIN" --runs "$RUNS" --config "$WORK/openclaw.json" --goal-ms 100 --goal-rss-mib 40

echo "== ours: JSON-RPC load"
HAVE_WS=0; HAVE_RPC=0
if [ -n "${URL:-}" ]; then
  TOKEN="${OPENCLAW_GATEWAY_TOKEN:-}"
  echo "   loading the gateway already running at $URL"
else
  TOKEN="bench-$(date +%s%N | sha256sum | head -c 24)"
  mkdir -p "$WORK/state"
  cp "$WORK/openclaw.json" "$WORK/state/openclaw.json"
  OPENCLAW_STATE_DIR="$WORK/state" OPENCLAW_GATEWAY_TOKEN="$TOKEN" "$BIN" gateway run --port 0 > "$WORK/gateway.out" 2>&1 &
  OUR_PID=$!
  for _ in $(seq 1 100); do
    PORT="$(sed -n 's|^openclaw gateway listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/gateway.out" | head -1)"
    [ -n "$PORT" ] && URL="http://127.0.0.1:$PORT" && break
    kill -0 "$OUR_PID" 2>/dev/null || break
    sleep 0.1
  done
fi
if [ -z "${URL:-}" ]; then
  echo "   our gateway did not start:"; cat "$WORK/gateway.out"
else
  AUTH=(); [ -z "$TOKEN" ] || AUTH=(-H "Authorization: Bearer $TOKEN")
  rpc_code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' "${AUTH[@]}" \
    --data '{"jsonrpc":"2.0","id":1,"method":"system.version"}' "$URL/rpc" || true)"
  ws_code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "${AUTH[@]}" "$URL/ws" || true)"
  [ "$rpc_code" = 200 ] && HAVE_RPC=1
  [ "$ws_code" = 101 ] && HAVE_WS=1
  echo "   $URL: POST /rpc -> ${rpc_code:-none}, GET /ws upgrade -> ${ws_code:-none}"
  [ -z "$TOKEN" ] || export OPENCLAW_GATEWAY_TOKEN="$TOKEN"
  if [ "$HAVE_WS" = 1 ]; then
    drive ours.ws16 gateway-ws --url "$URL" --connections 16 --inflight 8 --duration "$DURATION" --warmup "$WARMUP" --goal-rps 50000
    drive ours.ws10k gateway-ws --url "$URL" --connections 16 --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --goal-p99-ms 2
    # One socket, 32 in flight, beside the original's `health`: system.health is the same kind of call; fall back to
    # system.version if this build lacks it.
    ONE_METHOD=system.health
    before=$(wc -l < "$RESULTS")
    drive ours.ws1 gateway-ws --url "$URL" --connections 1 --inflight 32 --duration "$DURATION" --warmup "$WARMUP" --method system.health
    if [ "$(wc -l < "$RESULTS")" = "$before" ]; then
      ONE_METHOD=system.version
      drive ours.ws1 gateway-ws --url "$URL" --connections 1 --inflight 32 --duration "$DURATION" --warmup "$WARMUP" --method system.version
    fi
  else
    echo "   GET /ws is not available in this build: skipping the WebSocket load"
  fi
  if [ "$HAVE_RPC" = 1 ]; then
    drive ours.http16 gateway-http --url "$URL" --connections 16 --duration "$DURATION" --warmup "$WARMUP"
    # HTTP/1.1 has one request per connection at a time: with 16, a short stall queues requests for a connection
    # and the backlog drains slowly at 10k req/s (p99 ~350 ms on the shared machine); 64 is "enough connections".
    drive ours.http10k gateway-http --url "$URL" --connections 64 --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP"
  else
    echo "   POST /rpc is not available in this build: skipping the HTTP load"
  fi
  [ -z "$OUR_PID" ] || awk '/VmRSS/{printf "   our gateway RSS after the load runs: %.1f MiB\n", $2/1024}' "/proc/$OUR_PID/status" 2>/dev/null || true
fi
if [ -n "$OUR_PID" ] && kill -0 "$OUR_PID" 2>/dev/null; then kill "$OUR_PID"; wait "$OUR_PID" 2>/dev/null || true; fi
OUR_PID=""

if [ "$SKIP_PEER" != 1 ]; then
  echo "== the original OpenClaw: health over one socket, 32 in flight"
  PEER_PORT="$(free_port)"
  PEER_TOKEN="peer-bench-token"
  if bash "$PEER_DIR/start.sh" "$PEER_PORT" "$PEER_TOKEN" > "$WORK/peer.pid"; then
    drive peer.ws1 peer-ws --port "$PEER_PORT" --token "$PEER_TOKEN" --connections 1 --inflight 32 --duration "$DURATION" --warmup "$WARMUP"
  else
    echo "   the original OpenClaw did not start (see above)"
  fi
  bash "$PEER_DIR/stop.sh" "$PEER_PORT" || true
  PEER_PORT=""
  echo "== the original OpenClaw: launch to ready and idle RSS ($PEER_RUNS runs)"
  drive peer.start peer-start --peer-dir "$PEER_DIR" --runs "$PEER_RUNS"
fi

# ---- summary ----
get() { { grep "^$1=" "$RESULTS" || true; } | tail -1 | cut -d= -f2; }
fmt() { [ -n "$1" ] && awk -v v="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f", d, v }' | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' || printf 'not measured'; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }' || printf -- '-'; }
mark() { [[ "$1" =~ ^[0-9.]+$ ]] && awk -v v="$1" -v g="$2" -v hi="$3" 'BEGIN { ok = hi ? v >= g : v < g; printf (ok ? "met" : "MISSED") }' || printf -- '-'; }

S_OURS="$(get ours.start.start_median_ms)"; S_PEER="$(get peer.start.start_median_ms)"
R_OURS="$(get ours.start.rss_mib)"; R_PEER="$(get peer.start.rss_mib)"
T_OURS="$(get ours.ws1.rps)"; T_PEER="$(get peer.ws1.rps)"
W16="$(get ours.ws16.rps)"; W16P99="$(get ours.ws16.p99_ms)"
P99_10K="$(get ours.ws10k.p99_ms)"; RPS_10K="$(get ours.ws10k.rps)"
H16="$(get ours.http16.rps)"; H16P99="$(get ours.http16.p99_ms)"; H10K="$(get ours.http10k.p99_ms)"
START_RATIO="$(ratio "$S_PEER" "$S_OURS")"; RSS_RATIO="$(ratio "$R_PEER" "$R_OURS")"; TPUT_RATIO="$(ratio "$T_OURS" "$T_PEER")"

echo
echo "== summary ($(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "what" "ours" "original" "ratio" "goal"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "$(printf -- '-%.0s' {1..18})" "$(printf -- '-%.0s' {1..18})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..32})"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "launch to ready, median (ms)" "$(fmt "$S_OURS" 1)" "$(fmt "$S_PEER")" "$START_RATIO" \
  "<100 ms $(mark "$S_OURS" 100 0); >=60x $(mark "${START_RATIO%x}" 60 1)"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "idle RSS, process tree (MiB)" "$(fmt "$R_OURS" 1)" "$(fmt "$R_PEER" 1)" "$RSS_RATIO" \
  "<40 MiB $(mark "$R_OURS" 40 0); >=20x $(mark "${RSS_RATIO%x}" 20 1)"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "one WebSocket, 32 in flight (req/s)" "$(fmt "$T_OURS")" "$(fmt "$T_PEER")" "$TPUT_RATIO" \
  ">=10x $(mark "${TPUT_RATIO%x}" 10 1)"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "16 WebSockets x 8 in flight, system.version (req/s)" "$(fmt "$W16")" "" "" ">=50,000 $(mark "$W16" 50000 1)"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "  p99 at that load (ms)" "$(fmt "$W16P99" 2)" "" "" ""
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "p99 at $(fmt "$RATE") req/s open loop, 16 WebSockets (ms)" "$(fmt "$P99_10K" 3)" "" "" "<2 ms $(mark "$P99_10K" 2 0)"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "  rate achieved (req/s)" "$(fmt "$RPS_10K")" "" "" ""
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "POST /rpc, 16 connections, closed loop (req/s)" "$(fmt "$H16")" "" "" "reported"
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "  p99 at that load (ms)" "$(fmt "$H16P99" 2)" "" "" ""
printf '| %-52s | %-16s | %-16s | %-9s | %-30s |\n' "POST /rpc p99 at $(fmt "$RATE") req/s, 64 connections (ms)" "$(fmt "$H10K" 3)" "" "" "reported"
echo "(one WebSocket: ours calls ${ONE_METHOD:-system.health}, the original calls health; load runs use system.version)"
