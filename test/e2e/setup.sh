#!/usr/bin/env bash
# Prepares a real VS Code workbench for the e2e tests with no internet:
# code-server 4.100.3 (VS Code 1.100) from npm + Debian's Chromium + ripgrep.
# Idempotent and cached in .e2e-cache/ (git-ignored): a second run only checks the stamp.
# Every step below replaces a download that fails offline; see
# shared notes "real-vscode-offline.md" for why each one is needed.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="$ROOT/.e2e-cache/code-server"
STAMP="$CACHE/.setup-stamp"
WANT_STAMP="code-server@$CODE_SERVER_VERSION node@$(node -v) $(uname -m)"
export DEBIAN_FRONTEND=noninteractive npm_config_yes=true npm_config_audit=false npm_config_fund=false
export npm_config_update_notifier=false

log() { printf '[e2e:setup] %s\n' "$*"; }
started=$SECONDS

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# 1. System packages, only when missing (apt-get update costs ~20 s).
missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq </dev/null
  as_root apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
fi

mkdir -p "$CACHE"
# Two setup runs at once (parallel CI jobs on one checkout) must not interleave npm installs.
exec 9>"$CACHE/.setup-lock"
flock 9

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT_STAMP" ] && [ -x "$CACHE/node_modules/.bin/code-server" ]; then
  log "cached ($WANT_STAMP), $((SECONDS - started)) s"
  exit 0
fi
rm -f "$STAMP"

# 2. code-server itself, in its own package so it never touches the project's lockfile.
cd "$CACHE"
if [ ! -f package.json ]; then
  printf '{\n  "name": "e2e-code-server",\n  "private": true\n}\n' > package.json
fi
log "npm install code-server@$CODE_SERVER_VERSION"
npm install --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION" </dev/null

# 3. The bundled VS Code server: its production deps, without install scripts that download.
VSC="$CACHE/node_modules/code-server/lib/vscode"
cd "$VSC"
log "lib/vscode: npm install --omit=dev"
npm install --omit=dev --ignore-scripts </dev/null
# @vscode/ripgrep's postinstall downloads rg from GitHub; give it Debian's instead.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
log "lib/vscode: npm rebuild (native modules)"
npm rebuild </dev/null
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
log "lib/vscode/extensions: npm install --omit=dev"
(cd extensions && npm install --omit=dev </dev/null)

# 4. code-server's own native dependency.
cd "$CACHE"
log "argon2: rebuild from source"
npm rebuild argon2 --build-from-source </dev/null

"$CACHE/node_modules/.bin/code-server" --version >/dev/null
echo "$WANT_STAMP" > "$STAMP"
log "done in $((SECONDS - started)) s"
