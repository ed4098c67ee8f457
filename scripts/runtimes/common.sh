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
