#!/usr/bin/env bash
# Makes sure Debian's chromium is there for the page tests (and a CJK font, so the screenshots the
# tests keep show Chinese, and Pango, which WeasyPrint lays the briefing's PDF out with); installs them
# with apt-get when we can.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${need[*]} for the page tests…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
command -v chromium >/dev/null 2>&1 && exit 0
echo "chromium is not installed: run 'sudo apt-get install chromium' (page tests are skipped without it)." >&2
if [ "${CI:-}" = "true" ]; then exit 1; fi
