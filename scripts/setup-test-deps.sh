#!/usr/bin/env bash
# What the test suite needs from outside npm: Debian's clickhouse-server and clickhouse-client
# (version 18.16). The ClickHouse tests start their own server on free 127.0.0.1 ports and stop
# it by PID; installing the package starts nothing. Skipped when the server binary is present.
# Used by .ci/run and by the README's test command.
set -euo pipefail

if [ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1; then
  echo "== clickhouse-server present: $(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: no apt-get here; install clickhouse-server (Debian package, or any ClickHouse ≥ 18.16) and set ROUTEFIT_CLICKHOUSE_SERVER to its binary" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "== installing clickhouse-server and clickhouse-client (apt)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
echo "== installed: /usr/sbin/clickhouse-server"
