#!/usr/bin/env bash
# Builds Tilt from the github.com/tilt-dev/tilt Go module into ~/.cache/shopstack/tilt-<version>/bin.
# Tilt's web UI is not compiled in the module (web/ holds its React sources, pkg/assets/build only a
# robots.txt): tilt-ui/build.mjs builds it from web/ with esbuild and npm packages into a copy of the
# module, which the wrapper module's replace points at (`go build -overlay` refuses files under
# GOMODCACHE). Where that build fails, tilt-ui/fallback.html, a small resource list, is embedded instead.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/tilt-$TILT_VERSION"
exit_if_cached "tilt $TILT_VERSION" "$out" tilt
require_go "Tilt $TILT_VERSION"
command -v gcc >/dev/null || { echo "error: 'gcc' is required to build Tilt $TILT_VERSION (cgo; apt-get install gcc)" >&2; exit 1; }

work="$out/src"
mkdir -p "$work" "$out/bin"
echo "tilt $TILT_VERSION: downloading module"
moddir=$(module_dir "github.com/tilt-dev/tilt@$TILT_VERSION" "$work")
goversion=$(sed -n 's/^go //p' "$moddir/go.mod")
{
  echo "module shopstack.local/tilt-runtime"
  echo
  echo "go $goversion"
  echo
  echo "require github.com/tilt-dev/tilt $TILT_VERSION"
  echo
  # repeat upstream's replace block (go-restful v3.9.0, tilt-dev/browser): go ignores it in a dependency
  upstream_replaces "$moddir/go.mod"
  echo "replace github.com/tilt-dev/tilt => ./tilt"
} > "$work/go.mod"
# the module's copy, with the web UI in pkg/assets/build (embedded there with go:embed)
rm -rf "$work/tilt"
cp -r "$moddir" "$work/tilt"
chmod -R u+w "$work/tilt"
rm -rf "$work/tilt/node_modules"
ui="$work/tilt/pkg/assets/build"
echo "tilt $TILT_VERSION: building the web UI from the module's web/ (npm packages, esbuild; ~1 minute)"
if ! { command -v node >/dev/null && node "$here/tilt-ui/build.mjs" "$moddir/web" "$out/web" "$ui"; } >"$work/web.log" 2>&1; then
  echo "warning: Tilt's web UI did not build (see $work/web.log): embedding scripts/runtimes/tilt-ui/fallback.html" >&2
  cp "$here/tilt-ui/fallback.html" "$ui/index.html"
fi
# upstream's go.sum pins the graph; its h1 line for docker/buildx v0.32.1 does not match what the proxy
# serves (the tag moved), so drop it and let go record the served one
grep -v '^github.com/docker/buildx v0.32.1 h1:' "$moddir/go.sum" > "$work/go.sum"
cat > "$work/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/tilt-dev/tilt/cmd/tilt"
GO
cd "$work"
echo "tilt $TILT_VERSION: resolving dependencies"
tidy_or_fail "Tilt $TILT_VERSION"

echo "tilt $TILT_VERSION: building tilt (cgo; about 3 minutes on a cold cache and two idle cores)"
start=$(date +%s)
ldflags="-s -w -X main.version=${TILT_VERSION#v} -X main.date=$(date -u +%Y-%m-%d)"
CGO_ENABLED=1 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" \
  -o "$out/bin/tilt.tmp" github.com/tilt-dev/tilt/cmd/tilt
mv "$out/bin/tilt.tmp" "$out/bin/tilt"
echo "tilt $TILT_VERSION: built in $(( $(date +%s) - start ))s; ready in $out/bin"
