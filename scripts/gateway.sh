#!/usr/bin/env bash
# Starts the gateway in the foreground with its embedded defaults (state in $OPENCLAW_STATE_DIR or ~/.openclaw).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
exec dotnet run -c Release --project "$root/src/OpenClaw.Cli" -- gateway run "$@"
