#!/usr/bin/env bash
# Builds KEDA's operator (`keda`) and its external metrics API server (`keda-adapter`) from the
# github.com/kedacore/keda/v2 Go module into ~/.cache/shopstack/keda-<version>/bin, and keeps its CRDs in
# .../crds. The admission webhooks are not built: they only pre-check ScaledObjects, which the operator
# renders itself. KEDA's go.mod has replace directives, which go ignores in a dependency, so it is built
# inside a copy of the module, like Dapr. Its go.mod asks a newer Go than this machine's: the go command fetches
# that toolchain (pinned as KEDA_GO_VERSION; the golang.org/toolchain module) from the Go module proxy.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/keda-$KEDA_VERSION"
exit_if_cached "keda $KEDA_VERSION" "$out" keda keda-adapter
require_go "KEDA $KEDA_VERSION"

mkdir -p "$out/bin"
go_build_lock "keda $KEDA_VERSION"
echo "keda $KEDA_VERSION: downloading module"
export GOTOOLCHAIN="go$KEDA_GO_VERSION"
moddir=$(module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION" "$out")
src="$out/src"
rm -rf "$src"
cp -r "$moddir" "$src"
chmod -R u+w "$src"
cd "$src"
ldflags="-s -w -X github.com/kedacore/keda/v2/version.Version=${KEDA_VERSION#v}"
export CGO_ENABLED=0
for b in operator:keda adapter:keda-adapter; do
  pkg=${b%%:*} bin=${b##*:}
  [ -x "$out/bin/$bin" ] && { echo "keda $KEDA_VERSION: $bin already built"; continue; }
  echo "keda $KEDA_VERSION: building $bin (5 minutes on a cold cache and two idle cores: it links every scaler's cloud SDK)"
  start=$(date +%s)
  GOFLAGS=-mod=mod nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out/bin/$bin.tmp" "./cmd/$pkg"
  mv "$out/bin/$bin.tmp" "$out/bin/$bin"
  echo "keda $KEDA_VERSION: $bin built in $(( $(date +%s) - start ))s"
done
# the CRDs, and the operator's RBAC as upstream generates it from its code (scripts/cluster/keda.ts applies both)
mkdir -p "$out/crds" "$out/rbac"
cp "$src"/config/crd/bases/*.yaml "$out/crds/"
cp "$src"/config/rbac/role.yaml "$out/rbac/"
rm -rf "$src"
echo "keda $KEDA_VERSION: ready in $out/bin"
