#!/usr/bin/env bash
# The browser journeys drive Debian's chromium (never a downloaded browser) with a CJK font.
# Installs both when missing and we may (root with apt-get); otherwise says why and fails.
set -uo pipefail
have() { command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; }
have && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium and fonts-wqy-microhei for the browser tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >/tmp/kedao-apt.log 2>&1
  have && exit 0
  echo "Could not install chromium (see /tmp/kedao-apt.log)."
fi
echo "NOTE: chromium with a CJK font is not available: the browser journeys are skipped."
echo "      Install it with: sudo apt-get install chromium fonts-wqy-microhei"
exit 1
