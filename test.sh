#!/usr/bin/env bash
# Installs what the tests need when it is missing (Redis, PostgreSQL, nginx, time zone data, curl, jq, Chromium), then runs every test
# of the solution. The tests start their own throwaway PostgreSQL and Redis servers on loopback and stop them; the
# cluster tests start scripts/cluster.sh (three instances behind nginx) and stop it.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -e /usr/share/zoneinfo/Asia/Kolkata ] || missing+=(tzdata)
# The README's curl flow runs as a test.
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)
# The web app's browser tests drive Debian's Chromium (no browser download).
[ -x "${MOVIEBOOKING_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

dotnet test MovieBooking.slnx "$@"
