#!/usr/bin/env bash
# Builds kind from the sigs.k8s.io/kind Go module into ~/.cache/shopstack/kind-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/kind-$KIND_VERSION"
exit_if_cached "kind $KIND_VERSION" "$out" kind
require_go "kind $KIND_VERSION"

mkdir -p "$out/bin"
echo "kind $KIND_VERSION: building sigs.k8s.io/kind (about a minute on a cold cache)"
start=$(date +%s)
# kind's go.mod has no replace directives, so `go install module@version` builds it as released
if ! CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION" 2>"$out/build.log"; then
  echo "error: building kind $KIND_VERSION failed (is the Go module proxy reachable?):" >&2
  tail -n 5 "$out/build.log" >&2
  exit 1
fi
echo "kind $KIND_VERSION: built in $(( $(date +%s) - start ))s"
echo "kind $KIND_VERSION: ready in $out/bin"
