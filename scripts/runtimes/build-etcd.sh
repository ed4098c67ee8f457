#!/usr/bin/env bash
# Builds etcd from the go.etcd.io/etcd/server/v3 Go module into ~/.cache/shopstack/etcd-<version>/bin.
# Usage: build-etcd.sh [VERSION] (default ETCD_VERSION, the local control plane's; the kind node's is newer)
set -euo pipefail
source "$(dirname "$0")/common.sh"
ETCD_VERSION=${1:-$ETCD_VERSION}
out="$cache/etcd-$ETCD_VERSION"
exit_if_cached "etcd $ETCD_VERSION" "$out" etcd
require_go "etcd $ETCD_VERSION"

work="$out/src"
mkdir -p "$work/etcd" "$out/bin"
echo "etcd $ETCD_VERSION: downloading module"
moddir=$(module_dir "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "$work")
goversion=$(sed -n 's/^go //p' "$moddir/go.mod")
# upstream replaces its sibling modules with ../<dir>; pin each to the version the server release requires
siblings=$(sed -n 's#^[[:space:]]*\(go.etcd.io/etcd/[a-z0-9/]*\) => \.\./.*#\1#p' "$moddir/go.mod")
[ -n "$siblings" ] || { echo "error: no sibling replaces found in $moddir/go.mod" >&2; exit 1; }
{
  echo "module shopstack.local/etcd-runtime"
  echo
  echo "go $goversion"
  echo
  echo "require ("
  echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  for m in $siblings; do
    v=$(awk -v m="$m" '$1 == m && $2 ~ /^v/ {print $2; exit}' "$moddir/go.mod")
    [ -n "$v" ] || { echo "error: $moddir/go.mod does not require $m" >&2; exit 1; }
    echo "	$m $v"
  done
  echo ")"
} > "$work/go.mod"
cp "$here/etcd/main.go" "$work/etcd/main.go"
cd "$work"
echo "etcd $ETCD_VERSION: resolving dependencies"
tidy_or_fail "etcd $ETCD_VERSION"
echo "etcd $ETCD_VERSION: building etcd (a few minutes on a cold cache)"
start=$(date +%s)
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd.tmp" ./etcd
mv "$out/bin/etcd.tmp" "$out/bin/etcd"
echo "etcd $ETCD_VERSION: etcd built in $(( $(date +%s) - start ))s"
echo "etcd $ETCD_VERSION: ready in $out/bin"
