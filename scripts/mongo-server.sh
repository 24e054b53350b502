#!/usr/bin/env bash
# A local MongoDB-wire server for tests, the demo and benchmarks: FerretDB 1.24.2
# with its SQLite backend, built from the Go module proxy into .tools/ (git-ignored).
#
#   scripts/mongo-server.sh install           build FerretDB once
#   scripts/mongo-server.sh start [NAME]      start instance NAME (default "default"), print its URI
#   scripts/mongo-server.sh stop [NAME]       stop it; data and port are kept, so start resumes it
#   scripts/mongo-server.sh kill [NAME]       SIGKILL it, like a crash (data and port kept)
#   scripts/mongo-server.sh destroy [NAME]    stop it and delete its data (a folder it made)
#   scripts/mongo-server.sh uri [NAME]        print the URI of a running instance
#
# When MONGODB_URI is set, start and uri print it and nothing is installed or started.
# At an instance's first start (they are then kept for it; another value later is refused):
#   MONGO_SERVER_AUTH=user:password  require that user (FerretDB's SCRAM authentication); the
#                                    printed URI carries no credentials
#   MONGO_SERVER_PORT=N              listen on 127.0.0.1:N instead of a free port
#   MONGO_SERVER_DATA=DIR            keep the data in DIR (left in place by destroy) instead
#                                    of a temporary folder
# Two checkouts on one machine: give each its own instance NAME, or its own port and folder.
set -euo pipefail

FERRETDB_VERSION=v1.24.2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
ferretdb="$tools/ferretdb/$FERRETDB_VERSION/ferretdb"
state_root="$tools/mongo-server"

log() { echo "mongo-server: $*" >&2; }

install_ferretdb() {
  if [ -x "$ferretdb" ]; then return 0; fi
  command -v go >/dev/null || { log "Go is required to build FerretDB (apt-get install golang)"; exit 1; }
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (once)"
  # `go install ...@$FERRETDB_VERSION` alone yields a binary that panics at start: FerretDB
  # embeds build/version/version.txt, which its release tooling generates and the module zip
  # lacks. So build the same module version from a writable copy with that one file written.
  local dir build
  dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { log "go mod download returned no module directory"; exit 1; }
  build="$(mktemp -d)"
  cp -R "$dir/." "$build"
  chmod -R u+w "$build"
  echo "$FERRETDB_VERSION" >"$build/build/version/version.txt"
  mkdir -p "$(dirname "$ferretdb")"
  (cd "$build" && go build -trimpath -o "$ferretdb.tmp" ./cmd/ferretdb)
  mv "$ferretdb.tmp" "$ferretdb"
  rm -rf "$build"
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

is_running() { [ -f "$1/pid" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

wait_for_ping() {
  local uri="$1" deadline=$((SECONDS + 30))
  until node "$root/scripts/lib/ping.mjs" "$uri" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 0.2
  done
}

start() {
  local dir="$state_root/$1"
  if [ -f "$dir/port" ] && [ -n "${MONGO_SERVER_PORT:-}" ] && [ "$MONGO_SERVER_PORT" != "$(cat "$dir/port")" ]; then
    log "instance $1 listens on port $(cat "$dir/port"), not MONGO_SERVER_PORT=$MONGO_SERVER_PORT (destroy it, or use another NAME)"
    exit 2
  fi
  if is_running "$dir"; then cat "$dir/uri"; return 0; fi
  install_ferretdb
  mkdir -p "$dir"
  if [ ! -f "$dir/port" ]; then
    if [ -n "${MONGO_SERVER_PORT:-}" ]; then
      case "$MONGO_SERVER_PORT" in '' | *[!0-9]*) log "MONGO_SERVER_PORT must be a port number, not: $MONGO_SERVER_PORT"; exit 2 ;; esac
      echo "$MONGO_SERVER_PORT" >"$dir/port"
    else
      free_port >"$dir/port"
    fi
  fi
  if [ ! -f "$dir/data" ]; then
    if [ -n "${MONGO_SERVER_DATA:-}" ]; then
      mkdir -p "$MONGO_SERVER_DATA"
      (cd "$MONGO_SERVER_DATA" && pwd) >"$dir/data"
      touch "$dir/data-given"
    else
      mktemp -d -t "ferretdb-$1-XXXXXX" >"$dir/data"
    fi
  elif [ -n "${MONGO_SERVER_DATA:-}" ] && [ "$(cd "$MONGO_SERVER_DATA" 2>/dev/null && pwd)" != "$(cat "$dir/data")" ]; then
    log "instance $1 keeps its data in $(cat "$dir/data"), not MONGO_SERVER_DATA=$MONGO_SERVER_DATA (destroy it, or use another NAME)"
    exit 2
  fi
  mkdir -p "$(cat "$dir/data")"
  local port uri
  port="$(cat "$dir/port")"
  uri="mongodb://127.0.0.1:$port/"
  local auth=()
  [ -f "$dir/auth" ] || printf '%s' "${MONGO_SERVER_AUTH:-}" >"$dir/auth"
  if [ -s "$dir/auth" ]; then
    local credentials
    credentials="$(cat "$dir/auth")"
    auth=(--test-enable-new-auth --setup-database=admin "--setup-username=${credentials%%:*}" "--setup-password=${credentials#*:}")
  fi
  setsid "$ferretdb" "${auth[@]}" --handler=sqlite --sqlite-url="file:$(cat "$dir/data")/" \
    --listen-addr="127.0.0.1:$port" --telemetry=disable --debug-addr=- \
    --state-dir="$(cat "$dir/data")" --log-level=error >>"$dir/log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  echo "$uri" >"$dir/uri"
  if ! wait_for_ping "$uri"; then
    log "FerretDB did not answer ping on $uri; its log:"
    tail -n 20 "$dir/log" >&2
    stop "$1"
    exit 1
  fi
  echo "$uri"
}

stop() {
  local dir="$state_root/$1" pid
  is_running "$dir" || { rm -f "$dir/pid"; return 0; }
  pid="$(cat "$dir/pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/pid"
}

# Like a crash or a power cut: SIGKILL, no clean shutdown.
kill_now() {
  local dir="$state_root/$1"
  is_running "$dir" || { rm -f "$dir/pid"; return 0; }
  kill -KILL "$(cat "$dir/pid")" 2>/dev/null || true
  rm -f "$dir/pid"
}

destroy() {
  local dir="$state_root/$1"
  stop "$1"
  if [ -f "$dir/data" ] && [ ! -f "$dir/data-given" ]; then rm -rf "$(cat "$dir/data")"; fi
  rm -rf "$dir"
}

cmd="${1:-}"
name="${2:-default}"
case "$name" in *[!A-Za-z0-9_-]*) log "bad instance name: $name"; exit 2 ;; esac

if [ -n "${MONGODB_URI:-}" ] && [ "$cmd" != install ]; then
  case "$cmd" in start | uri) echo "$MONGODB_URI" ;; stop | destroy) ;; *) log "usage: $0 install|start|stop|kill|destroy|uri [NAME]"; exit 2 ;; esac
  exit 0
fi

# shellcheck source=lib/node.sh
source "$root/scripts/lib/node.sh"
case "$cmd" in
  install) install_ferretdb ;;
  start) start "$name" ;;
  stop) stop "$name" ;;
  kill) kill_now "$name" ;;
  destroy) destroy "$name" ;;
  uri) is_running "$state_root/$name" && cat "$state_root/$name/uri" || { log "instance $name is not running"; exit 1; } ;;
  *) log "usage: $0 install|start|stop|kill|destroy|uri [NAME]"; exit 2 ;;
esac
