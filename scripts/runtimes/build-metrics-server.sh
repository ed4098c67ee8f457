#!/usr/bin/env bash
# Builds metrics-server (the resource metrics API an HPA reads CPU from) from the sigs.k8s.io/metrics-server Go
# module into ~/.cache/shopstack/metrics-server-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/metrics-server-$METRICS_SERVER_VERSION"
exit_if_cached "metrics-server $METRICS_SERVER_VERSION" "$out" metrics-server
require_go "metrics-server $METRICS_SERVER_VERSION"

mkdir -p "$out/bin"
go_build_lock "metrics-server $METRICS_SERVER_VERSION"
echo "metrics-server $METRICS_SERVER_VERSION: building metrics-server (a few minutes on a cold cache)"
start=$(date +%s)
# the module has no replace directives, so go install builds it directly at the pinned version
module=sigs.k8s.io/metrics-server
CGO_ENABLED=0 GOBIN="$out/bin" nice -n 10 go install -trimpath \
  -ldflags "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION" "$module/cmd/metrics-server@$METRICS_SERVER_VERSION"
echo "metrics-server $METRICS_SERVER_VERSION: built in $(( $(date +%s) - start ))s; ready in $out/bin"
