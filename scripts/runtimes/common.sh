# Sourced by the build-*.sh scripts: pinned versions, the cache root, and the two checks every build starts with.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
source "$here/versions.env"
cache=${SHOPSTACK_CACHE:-$HOME/.cache/shopstack}

# exit_if_cached LABEL DIR BINARY...: done when every BINARY is already in DIR/bin
exit_if_cached() {
  local label=$1 dir=$2
  shift 2
  for bin in "$@"; do [ -x "$dir/bin/$bin" ] || return 0; done
  echo "$label: cached in $dir"
  exit 0
}

# require_go LABEL: a clear error when Go, needed to build LABEL, is missing
require_go() {
  command -v go >/dev/null || { echo "error: 'go' is required to build $1 (install Go 1.26+)" >&2; exit 1; }
}

# module_dir MODULE@VERSION WORKDIR: the module's folder in Go's module cache, downloaded if missing
module_dir() {
  local dir
  dir=$(cd "$2" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p') || true
  [ -n "$dir" ] || { echo "error: downloading $1 failed (is the Go module proxy reachable?)" >&2; exit 1; }
  echo "$dir"
}

# upstream_replaces GO_MOD: the replace blocks of an upstream go.mod, which go ignores in a dependency
upstream_replaces() {
  awk '/^replace \(/{p=1} p{print} p&&/^\)/{p=0; print ""}' "$1"
}

# tidy_or_fail LABEL: `go mod tidy` in the current folder, or an error with its last lines (all in tidy.log)
tidy_or_fail() {
  if ! GOFLAGS=-mod=mod go mod tidy >tidy.log 2>&1; then
    echo "error: resolving the $1 module graph failed (is the Go module proxy reachable?):" >&2
    tail -n 5 tidy.log >&2
    exit 1
  fi
}

# go_build_lock LABEL: waits for the machine-wide Go build lock (one Go build at a time on a shared
# machine), held until the script exits; build times measured after it exclude the wait
go_build_lock() {
  exec 9>/tmp/shopstack-go.lock
  flock -n 9 || { echo "$1: waiting for another Go build (/tmp/shopstack-go.lock)"; flock 9; }
}
