#!/usr/bin/env bash
# Makes sure Debian's chromium is there for the page tests; installs it with apt-get when we can.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the page tests…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "chromium is not installed: run 'sudo apt-get install chromium' (page tests are skipped without it)." >&2
if [ "${CI:-}" = "true" ]; then exit 1; fi
