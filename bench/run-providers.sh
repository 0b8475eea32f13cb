#!/usr/bin/env bash
# Reproduces the provider numbers (docs/benchmarks.md, "Providers"): what our client stack adds to the first token and
# per token of a 2,000-token streamed reply, against reading the fake server's raw SSE bytes. About four minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build -c Release bench/OpenClaw.Bench >/dev/null
dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- --filter '*ProviderStreamBenchmarks*' "$@"
