#!/usr/bin/env bash
# The channels issue's numbers (docs/benchmarks.md, "## Channels"):
#   1. dispatch: an inbound Telegram update to its run dispatched (parse and normalise, access check, route, session,
#      message_received appended durably, run queued), p50/p99, in-process on a real gateway (bench driver
#      channel-dispatch: real SQLite store, the real adapter against the fake Bot API, a zero-latency fake model);
#   2. flood: 10,000 updates already waiting at the (mock) Bot API when our NativeAOT gateway starts, from SENDERS
#      allowlisted senders; each is dispatched and answered by a zero-latency mock model. Reported: the gateway's RSS
#      before and its peak (VmHWM) while it works through them, the time until Telegram has every update confirmed, and
#      until every reply is sent.
# Knobs: MESSAGES (5000), SENDERS (500), FLOOD (10000), FLOOD_SENDERS (1000), KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MESSAGES="${MESSAGES:-5000}"
SENDERS="${SENDERS:-500}"
FLOOD="${FLOOD:-10000}"
FLOOD_SENDERS="${FLOOD_SENDERS:-1000}"
BIN=artifacts/aot/openclaw
if [ ! -x "$BIN" ]; then
  echo "== building the NativeAOT binary (a few minutes, once)"
  dotnet publish src/OpenClaw.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot >/dev/null
fi

if [ "${SKIP_DISPATCH:-0}" != 1 ]; then
echo "== 1. dispatch latency (in-process)"
dotnet run -c Release --project bench/OpenClaw.Bench -- channel-dispatch --messages "$MESSAGES" --senders "$SENDERS" --goal-p50-ms 1 || true
dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- channel-dispatch --messages "$MESSAGES" --senders "$SENDERS" --quiet-runs true --goal-p50-ms 1 || true
fi

echo "== 2. flood of $FLOOD queued updates through the AOT gateway"
WORK="$(mktemp -d /tmp/openclaw-bench-channels.XXXXXX)"
cleanup() { kill "${gw:-}" "${mm:-}" "${mt:-}" 2>/dev/null || true; wait 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
TOKEN="123456:bench-telegram-token"
node scripts/mock-model.mjs 0 >"$WORK/model.out" 2>&1 & mm=$!
node scripts/mock-telegram.mjs 0 "$TOKEN" >"$WORK/telegram.out" 2>&1 & mt=$!
for _ in $(seq 1 50); do grep -q listening "$WORK/model.out" && grep -q listening "$WORK/telegram.out" && break; sleep 0.1; done
model_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/v1' "$WORK/model.out")
tg_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/telegram.out")
allow=$(seq 5000 $((5000 + FLOOD_SENDERS - 1)) | sed 's/.*/"&"/' | paste -sd, -)
mkdir -p "$WORK/state"
cat >"$WORK/state/openclaw.json" <<JSON
{
  gateway: { limits: { maxConcurrentRuns: 4 } },
  providers: { mock: { type: "openai-compatible", baseUrl: "$model_url", maxRetries: 0 } },
  agents: { default: { model: "mock/mock" } },
  channels: { telegram: { enabled: true, apiBaseUrl: "$tg_url", botToken: "$TOKEN", dmPolicy: "allowlist", allowFrom: [$allow] } },
  logging: { level: "warn" },
}
JSON
curl -fsS -X POST -H 'content-type: application/json' -d "{\"count\":$FLOOD,\"from\":5000,\"senders\":$FLOOD_SENDERS}" "$tg_url/_flood" >/dev/null
OPENCLAW_STATE_DIR="$WORK/state" "$BIN" gateway run --port 0 >"$WORK/gateway.out" 2>&1 & gw=$!
for _ in $(seq 1 100); do grep -qE 'http://127\.0\.0\.1:[0-9]+' "$WORK/gateway.out" && break; sleep 0.05; done
start=$(date +%s.%N)
rss_start=$(awk '/VmRSS/ {print $2}' /proc/$gw/status)
confirmed=""; peak_rss=0
while :; do
  stats=$(curl -fsS "$tg_url/_stats")
  offset=$(echo "$stats" | grep -oE '"offset":[0-9]+' | cut -d: -f2)
  sent=$(echo "$stats" | grep -oE '"sent":[0-9]+' | cut -d: -f2)
  rss=$(awk '/VmRSS/ {print $2}' /proc/$gw/status); [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
  now=$(date +%s.%N)
  if [ -z "$confirmed" ] && [ "$offset" -gt "$FLOOD" ]; then confirmed=$(echo "$now - $start" | bc); fi
  if [ "$sent" -ge "$FLOOD" ]; then replied=$(echo "$now - $start" | bc); break; fi
  if [ "$(echo "$now - $start > 600" | bc)" = 1 ]; then echo "flood: not done after 600 s ($stats)"; exit 1; fi
  kill -0 "$gw" 2>/dev/null || { echo "flood: the gateway died"; cat "$WORK/gateway.out"; exit 1; }
  sleep 0.1
done
hwm=$(awk '/VmHWM/ {print $2}' /proc/$gw/status)
sessions=$(OPENCLAW_STATE_DIR="$WORK/state" "$BIN" rpc call --url "$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/gateway.out" | head -1)" sessions.stats | grep -oE '"total": *[0-9]+' | head -1)
printf 'flood: %s updates from %s senders: all confirmed to Telegram after %.1f s, all %s replies sent after %.1f s\n' "$FLOOD" "$FLOOD_SENDERS" "$confirmed" "$sent" "$replied"
printf 'flood: gateway RSS %.1f MiB before, peak (VmHWM) %.1f MiB (sampled peak %.1f MiB); sessions %s\n' "$(echo "$rss_start/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)" "$(echo "$peak_rss/1024" | bc -l)" "$sessions"
