#!/usr/bin/env bash
# Builds kube-router (its NetworkPolicy firewall enforces the shop's policies on kind) from the
# github.com/cloudnativelabs/kube-router/v2 Go module into ~/.cache/shopstack/kube-router-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/kube-router-$KUBE_ROUTER_VERSION"
exit_if_cached "kube-router $KUBE_ROUTER_VERSION" "$out" kube-router
require_go "kube-router $KUBE_ROUTER_VERSION"

mkdir -p "$out/bin"
echo "kube-router $KUBE_ROUTER_VERSION: building kube-router (a few minutes on a cold cache)"
start=$(date +%s)
# the module has no replace directives, so go install builds it directly at the pinned version
module=github.com/cloudnativelabs/kube-router/v2
CGO_ENABLED=0 GOBIN="$out/bin" GOFLAGS=-mod=mod go install -trimpath \
  -ldflags "-s -w -X $module/pkg/version.Version=$KUBE_ROUTER_VERSION" "$module/cmd/kube-router@$KUBE_ROUTER_VERSION"
echo "kube-router $KUBE_ROUTER_VERSION: built in $(( $(date +%s) - start ))s; ready in $out/bin"
