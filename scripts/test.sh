#!/usr/bin/env bash
# Runs every test suite. Does its own set-up first. Prints one closing line: "N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh || exit 1

log="$(mktemp)"
dotnet test --solution OpenClaw.slnx -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

total=$(grep -E '^\s+total: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
rm -f "$log"
if [ -z "$total" ]; then
  echo "0 passed, 1 failed"
  echo "test: no test summary was printed (build failure?)" >&2
  exit 1
fi
failed=${failed:-0}
passed=$((total - failed))
echo "${passed} passed, ${failed} failed"
exit $rc
