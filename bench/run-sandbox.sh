#!/usr/bin/env bash
# Reproduces the sandbox numbers (docs/benchmarks.md, "Sandbox"): the spawn overhead of one `true` through the sandbox
# at strict (bubblewrap, per-run cgroup, prlimit) against a plain process, P50/P95/P99 of 200 single spawns each.
# Needs bubblewrap (scripts/setup.sh installs it). About two minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build -c Release bench/OpenClaw.Bench >/dev/null
dotnet run -c Release --no-build --project bench/OpenClaw.Bench -- --filter '*SandboxSpawnBenchmarks*' "$@"
