#!/usr/bin/env bash
# What the test suite needs from outside npm:
#  - Debian's clickhouse-server and clickhouse-client (version 18.16). The ClickHouse tests start
#    their own server on free 127.0.0.1 ports and stop it by PID; installing starts nothing.
#  - Debian's chromium (/usr/bin/chromium), which playwright-core drives headless for the Studio
#    and report tests (no browser download: playwright's own installer is never run).
# Each is skipped when already present. Used by .ci/run and by the README's test command.
set -euo pipefail

need=()
if [ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1; then
  echo "== clickhouse-server present: $(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
else
  need+=(clickhouse-server clickhouse-client)
fi
if [ -x /usr/bin/chromium ]; then
  echo "== chromium present: /usr/bin/chromium"
else
  need+=(chromium)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: no apt-get here; install ${need[*]} (Debian packages; any ClickHouse >= 18.16, set ROUTEFIT_CLICKHOUSE_SERVER to its binary; a Chromium at /usr/bin/chromium)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "== installing ${need[*]} (apt)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
echo "== installed: ${need[*]}"
