#!/usr/bin/env bash
# Installs what a real VS Code for `npm start` and the E2E tests needs, idempotently:
# Debian's chromium, ripgrep and Kerberos headers, and code-server (from npm) in .convlens-editor/.
set -euo pipefail
cd "$(dirname "$0")/.."
CODE_SERVER_VERSION=4.100.3
PREFIX="$PWD/.convlens-editor"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "setup-editor: please install these Debian packages: ${need_apt[*]}" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "setup-editor: installing ${need_apt[*]} (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x "$PREFIX/node_modules/.bin/code-server" ] && "$PREFIX/node_modules/.bin/code-server" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
  echo "setup-editor: code-server $CODE_SERVER_VERSION already installed"
  exit 0
fi

# @vscode/ripgrep downloads rg from the network unless it finds this cached tarball: give it
# Debian's rg instead.
TMP_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
TARBALL="$TMP_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$TARBALL" ]; then
  mkdir -p "$TMP_CACHE/stage"
  cp "$(command -v rg)" "$TMP_CACHE/stage/rg"
  tar -C "$TMP_CACHE/stage" -czf "$TARBALL" rg
fi

echo "setup-editor: installing code-server $CODE_SERVER_VERSION into $PREFIX (a few minutes)"
mkdir -p "$PREFIX"
[ -f "$PREFIX/package.json" ] || echo '{ "name": "convlens-editor", "private": true }' > "$PREFIX/package.json"
# node-pty's postinstall runs npx (needs yes) and builds as root (needs unsafe-perm).
(cd "$PREFIX" && npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --foreground-scripts=false "code-server@$CODE_SERVER_VERSION" >/dev/null)
"$PREFIX/node_modules/.bin/code-server" --version
