#!/usr/bin/env bash
# A local ClickHouse cluster of two shards for tests and trials (issue 14, "A real cluster").
#
#   scripts/clickhouse-cluster.sh start [STATE_DIR]   start two servers, print the two env lines
#   scripts/clickhouse-cluster.sh stop  [STATE_DIR]   stop them by PID, remove the data
#   scripts/clickhouse-cluster.sh start-shard STATE_DIR N   start shard N's server again (its data
#                                       kept), e.g. after a test killed it; waits for /ping
#
# One clickhouse-server process per shard (Debian's /usr/sbin/clickhouse-server, 18.16, or
# ROUTEFIT_CLICKHOUSE_SERVER), each with its own free tcp/http/interserver ports on 127.0.0.1 and
# its own data dir under STATE_DIR (default: a fresh temp dir, remembered in
# ${TMPDIR:-/tmp}/routefit-clickhouse-cluster.last so a bare `stop` finds it). Both servers share one
# <remote_servers> entry, cluster `routefit`, one shard per server. Each server also defines the
# macro `http_port`: ClickHouse's system.clusters lists a node's TCP port only, and routefit creates
# each shard's local tables over HTTP (a node without the macro is assumed on port 8123).
#
# `start` prints exactly two lines on stdout, for `eval`/`export` or a test setup:
#   ROUTEFIT_CLICKHOUSE_URL=http://127.0.0.1:PORT     (the first shard's node)
#   ROUTEFIT_CLICKHOUSE_CLUSTER=routefit
# Everything else goes to stderr.
set -euo pipefail

BIN=${ROUTEFIT_CLICKHOUSE_SERVER:-/usr/sbin/clickhouse-server}
CLUSTER=${ROUTEFIT_CLUSTER_NAME:-routefit}
LAST="${TMPDIR:-/tmp}/routefit-clickhouse-cluster.last"
SHARDS=2

die() { echo "clickhouse-cluster: $*" >&2; exit 2; }

free_ports() { # free_ports N: N distinct free 127.0.0.1 TCP ports, one per line
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]); const out = []; const held = [];
    (function next() {
      if (out.length === n) { held.forEach((s) => s.close()); console.log(out.join("\n")); return; }
      const s = net.createServer(); s.listen(0, "127.0.0.1", () => { out.push(s.address().port); held.push(s); next(); });
    })();' "$1"
}

config_xml() { # config_xml DIR HTTP TCP INTERSERVER REMOTE_SERVERS_XML
  cat <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$1/server.log</log><errorlog>$1/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$2</http_port>
  <tcp_port>$3</tcp_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <interserver_http_port>$4</interserver_http_port>
  <path>$1/data/</path>
  <tmp_path>$1/tmp/</tmp_path>
  <user_files_path>$1/user_files/</user_files_path>
  <format_schema_path>$1/format_schemas/</format_schema_path>
  <users_config>$1/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <macros><http_port>$2</http_port></macros>
  <remote_servers>$5</remote_servers>
</yandex>
EOF
}

USERS_XML='<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><use_uncompressed_cache>0</use_uncompressed_cache></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>'

alive() { # alive PID: running (a killed server not yet reaped is a zombie: not running)
  kill -0 "$1" 2>/dev/null || return 1
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in Z*|'') return 1 ;; esac
}

stop_dir() { # stop_dir DIR: SIGTERM each server by its PID, SIGKILL after 15 s, then remove DIR
  local dir=$1 pid
  for f in "$dir"/shard*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for f in "$dir"/shard*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$dir"
}

start() {
  [ -x "$BIN" ] || die "no ClickHouse server at $BIN: run scripts/setup-test-deps.sh (Debian package clickhouse-server) or set ROUTEFIT_CLICKHOUSE_SERVER"
  local dir=${1:-}
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/routefit-ch-cluster-XXXXXX"); fi
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir" 2>/dev/null)" ] || die "$dir is not empty: give an empty or new STATE_DIR"
  local attempt
  for attempt in 1 2 3; do
    mapfile -t ports < <(free_ports $((3 * SHARDS)))
    local remote="<$CLUSTER>" i
    for ((i = 0; i < SHARDS; i++)); do
      remote+="<shard><replica><host>127.0.0.1</host><port>${ports[3 * i + 1]}</port></replica></shard>"
    done
    remote+="</$CLUSTER>"
    local ok=1
    for ((i = 0; i < SHARDS; i++)); do
      local d="$dir/shard$((i + 1))"
      mkdir -p "$d"
      config_xml "$d" "${ports[3 * i]}" "${ports[3 * i + 1]}" "${ports[3 * i + 2]}" "$remote" > "$d/config.xml"
      printf '%s\n' "$USERS_XML" > "$d/users.xml"
      echo "${ports[3 * i]}" > "$d/http_port"
      # Detached from the caller's stdout/stderr, so whoever reads `start`'s output gets EOF.
      (cd "$d" && exec setsid "$BIN" --config-file="$d/config.xml" </dev/null >"$d/stdout.log" 2>"$d/stderr.log") &
      echo $! > "$d/pid"
    done
    for ((i = 0; i < SHARDS; i++)); do
      local d="$dir/shard$((i + 1))" up=0
      for _ in $(seq 1 300); do
        if curl -sf "http://127.0.0.1:${ports[3 * i]}/ping" >/dev/null 2>&1; then up=1; break; fi
        alive "$(cat "$d/pid")" || break
        sleep 0.1
      done
      if [ $up -eq 0 ]; then ok=0; echo "clickhouse-cluster: shard $((i + 1)) did not answer /ping (attempt $attempt): $(tail -n 3 "$d/stderr.log" "$d/server.err.log" 2>/dev/null | tr '\n' ' ')" >&2; fi
    done
    if [ $ok -eq 1 ]; then
      echo "$dir" > "$LAST"
      echo "clickhouse-cluster: $SHARDS shards up (state $dir; stop with: $0 stop $dir)" >&2
      echo "ROUTEFIT_CLICKHOUSE_URL=http://127.0.0.1:${ports[0]}"
      echo "ROUTEFIT_CLICKHOUSE_CLUSTER=$CLUSTER"
      return 0
    fi
    # A port picked free can be taken before the server binds it: stop what started, try new ports.
    stop_dir "$dir"
    mkdir -p "$dir"
  done
  rm -rf "$dir"
  die "the cluster did not start"
}

stop() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    [ -f "$LAST" ] || die "no STATE_DIR given and no cluster recorded in $LAST"
    dir=$(cat "$LAST")
  fi
  [ -d "$dir" ] || die "$dir: no such cluster state dir"
  ls "$dir"/shard*/pid >/dev/null 2>&1 || die "$dir holds no shard pid files: not a cluster started by this script"
  stop_dir "$dir"
  if [ -f "$LAST" ] && [ "$(cat "$LAST")" = "$dir" ]; then rm -f "$LAST"; fi
  echo "clickhouse-cluster: stopped ($dir)" >&2
}

start_shard() { # start_shard DIR N
  local d="$1/shard$2"
  [ -f "$d/config.xml" ] || die "$d: no such shard"
  if alive "$(cat "$d/pid" 2>/dev/null)"; then die "shard $2 is running (pid $(cat "$d/pid"))"; fi
  (cd "$d" && exec setsid "$BIN" --config-file="$d/config.xml" </dev/null >>"$d/stdout.log" 2>>"$d/stderr.log") &
  echo $! > "$d/pid"
  local port
  port=$(cat "$d/http_port")
  for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/ping" >/dev/null 2>&1; then echo "clickhouse-cluster: shard $2 up (pid $(cat "$d/pid"))" >&2; return 0; fi
    alive "$(cat "$d/pid")" || break
    sleep 0.1
  done
  die "shard $2 did not answer /ping: $(tail -n 3 "$d/stderr.log" "$d/server.err.log" 2>/dev/null | tr '\n' ' ')"
}

case "${1:-}" in
  start-shard) [ $# -eq 3 ] || die "usage: $0 start-shard STATE_DIR N"; start_shard "$2" "$3" ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start|stop [STATE_DIR] | start-shard STATE_DIR N" >&2; exit 2 ;;
esac
