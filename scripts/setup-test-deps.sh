#!/usr/bin/env bash
# What the test suite needs from outside npm, as Debian packages:
#   clickhouse-server, clickhouse-client (18.16): the ClickHouse tests start their own server on free
#     127.0.0.1 ports and stop it by PID; installing the package starts nothing.
#   chromium: headless browser for the report's PDF (and the Studio's browser tests), driven by
#     playwright-core at /usr/bin/chromium (never `npx playwright install`).
#   poppler-utils: pdfinfo, pdftotext, pdftoppm read the report's PDFs back.
# Each is skipped when its binary is present. Used by .ci/run and by the README's test command.
set -euo pipefail

missing=()
need() { # need PACKAGE BINARY...
  local pkg=$1; shift
  for bin in "$@"; do
    if [ -x "$bin" ] || command -v "$bin" >/dev/null 2>&1; then echo "== $pkg present: $bin"; return; fi
  done
  missing+=("$pkg")
}
need clickhouse-server /usr/sbin/clickhouse-server clickhouse-server
need clickhouse-client /usr/bin/clickhouse-client clickhouse-client
need chromium /usr/bin/chromium chromium
need poppler-utils pdftotext

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: no apt-get here; install ${missing[*]} (ClickHouse ≥ 18.16: set ROUTEFIT_CLICKHOUSE_SERVER to its binary; Chromium: set ROUTEFIT_CHROMIUM to its path)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "== installing ${missing[*]} (apt)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "== installed: ${missing[*]}"
