#!/usr/bin/env bash
# Runs every test suite (the .NET tests, then the dashboard's browser tests with node --test). Does its own set-up
# first. Prints one closing line: "N passed, M failed, K skipped" over both.
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
if [ -z "$total" ]; then
  rm -f "$log"
  echo "0 passed, 1 failed"
  echo "test: no test summary was printed (build failure?)" >&2
  exit 1
fi

# The dashboard in a real browser against the gateway the run above built (ui/tests, docs/dashboard.md).
OPENCLAW_CLI_DLL="$root/src/OpenClaw.Cli/bin/Release/net10.0/openclaw.dll" node --test ui/tests/ 2>&1 | tee "$log"
node_rc=${PIPESTATUS[0]}
node_value() { grep -E "^# $1 [0-9]+" "$log" | tail -1 | grep -oE '[0-9]+'; }
node_pass=$(node_value pass)
node_fail=$(node_value fail)
node_cancelled=$(node_value cancelled)
node_skipped=$(node_value skipped)
node_todo=$(node_value todo)
rm -f "$log"
if [ -z "$node_pass" ] && [ "$node_rc" -ne 0 ]; then node_fail=1; fi
passed=$(( ${passed:-0} + ${node_pass:-0} ))
failed=$(( ${failed:-0} + ${node_fail:-0} + ${node_cancelled:-0} ))
skipped=$(( ${skipped:-0} + ${node_skipped:-0} + ${node_todo:-0} ))
if [ "$rc" -eq 0 ] && [ "$node_rc" -ne 0 ]; then rc=$node_rc; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
