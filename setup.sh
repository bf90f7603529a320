#!/usr/bin/env bash
# Installs what actorgres needs on a fresh Debian machine with Node 20:
# Debian's redis-server (when missing) and the npm dependencies (when the
# lock file changed). Safe to run again; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "setup: installing redis-server (Debian package)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.actorgres-lock; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.actorgres-lock
fi
