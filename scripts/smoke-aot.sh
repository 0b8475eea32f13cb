#!/usr/bin/env bash
# Starts a published openclaw binary on a free loopback port with a fresh state directory, checks /health, stops it.
set -euo pipefail
bin="$(realpath "$1")"
state="$(mktemp -d)"
out="$state/gateway.out"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"' EXIT
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
