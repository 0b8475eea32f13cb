#!/usr/bin/env bash
# Runs every test suite. Does its own set-up first. Prints one closing line: "N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh || exit 1

log="$(mktemp)"
dotnet test --solution OpenClaw.slnx -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

summary_value() { grep -E "^\s+$1: [0-9]+" "$log" | tail -1 | grep -oE '[0-9]+'; }
total=$(summary_value total)
failed=$(summary_value failed)
passed=$(summary_value succeeded)
skipped=$(summary_value skipped)
rm -f "$log"
if [ -z "$total" ]; then
  echo "0 passed, 1 failed"
  echo "test: no test summary was printed (build failure?)" >&2
  exit 1
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $rc
