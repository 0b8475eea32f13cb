#!/usr/bin/env bash
# Reproduces the numbers the Core issue names (docs/benchmarks.md), on a quiet machine, in about five minutes.
# Load drivers print one line each ("<driver>: <result> (target ...) met|MISSED"); BenchmarkDotNet prints its tables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build -c Release bench/OpenClaw.Bench >/dev/null
run() { dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- "$@"; }
for driver in events-append events-import events-project events-open-list; do
  run "$driver"
done
run --filter '*CredentialsBenchmarks*' '*Json5ReaderBenchmarks*' '*ConfigLoaderBenchmarks*' --join
