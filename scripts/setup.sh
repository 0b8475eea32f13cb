#!/usr/bin/env bash
# Installs what building, running and testing need when it is missing. Safe to run again; quiet when all is there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The Linux sandbox backend (docs/sandbox.md): without it sandboxed tools fail closed and the escape suite fails.
if [ "$(uname -s)" = Linux ]; then command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap); fi
# The shells `openclaw completion` writes scripts for; the completion tests load each script into its real shell.
command -v zsh >/dev/null 2>&1 || need_apt+=(zsh)
command -v fish >/dev/null 2>&1 || need_apt+=(fish)
# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser).
if [ "$(uname -s)" = Linux ] && [ ! -x /usr/bin/chromium ]; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "setup: installing ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (https://dot.net); it was not found on PATH." >&2
  exit 1
fi

# PowerShell for the completion tests: the NuGet global tool (Debian has no package), kept inside the repository.
if [ ! -x "$root/.tools/pwsh/pwsh" ]; then
  echo "setup: installing PowerShell 7.6.9 into .tools/pwsh (for the completion tests)"
  dotnet tool install --tool-path "$root/.tools/pwsh" PowerShell --version 7.6.9 >/dev/null
fi

# npm packages the tests use (the json5 and ajv reference implementations as oracles), from the lock file; again
# whenever the lock file is newer than what was installed (a pull that added a package).
# The dashboard (ui/) likewise: the gateway's build runs its Vite build, the browser tests use playwright-core.
for dir in tests/oracle ui; do
  if [ -f "$root/$dir/package-lock.json" ] && { [ ! -f "$root/$dir/node_modules/.package-lock.json" ] ||
       [ "$root/$dir/package-lock.json" -nt "$root/$dir/node_modules/.package-lock.json" ]; }; then
    echo "setup: npm ci in $dir"
    (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
