#!/usr/bin/env bash
# Builds the Traefik ingress controller from the github.com/traefik/traefik/v3 Go module into
# ~/.cache/shopstack/traefik-<version>/bin (static, pure Go). Its web dashboard is not in the module:
# the dashboard answers 500, routing is unaffected.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/traefik-$TRAEFIK_VERSION"
exit_if_cached "traefik $TRAEFIK_VERSION" "$out" traefik
require_go "Traefik $TRAEFIK_VERSION"

work="$out/src"
mkdir -p "$work" "$out/bin"
echo "traefik $TRAEFIK_VERSION: downloading module"
moddir=$(module_dir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" "$work")
goversion=$(sed -n 's/^go //p' "$moddir/go.mod")
{
  echo "module shopstack.local/traefik-runtime"
  echo
  echo "go $goversion"
  echo
  echo "require github.com/traefik/traefik/v3 $TRAEFIK_VERSION"
  echo
  # repeat upstream's replace block (forks of go-http-auth, mux, minheap): go ignores it in a dependency
  upstream_replaces "$moddir/go.mod"
} > "$work/go.mod"
# upstream's go.sum pins the same graph, so tidy resolves without guessing newer versions
cp "$moddir/go.sum" "$work/go.sum"
chmod u+w "$work/go.sum"
cat > "$work/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/traefik/traefik/v3/cmd/traefik"
GO
cd "$work"
echo "traefik $TRAEFIK_VERSION: resolving dependencies"
tidy_or_fail "Traefik $TRAEFIK_VERSION"
echo "traefik $TRAEFIK_VERSION: building traefik (several minutes on a cold cache)"
start=$(date +%s)
ldflags="-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION"
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$out/bin/traefik.tmp" github.com/traefik/traefik/v3/cmd/traefik
mv "$out/bin/traefik.tmp" "$out/bin/traefik"
echo "traefik $TRAEFIK_VERSION: built in $(( $(date +%s) - start ))s; ready in $out/bin"
