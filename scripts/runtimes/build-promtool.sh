#!/usr/bin/env bash
# Builds promtool from the github.com/prometheus/prometheus Go module into
# ~/.cache/shopstack/promtool-<version>/bin: `promtool test rules` checks the chart's alerting rules.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/promtool-$PROMETHEUS_MODULE_VERSION"
exit_if_cached "promtool $PROMETHEUS_MODULE_VERSION" "$out" promtool
require_go "promtool $PROMETHEUS_MODULE_VERSION"

mkdir -p "$out/bin"
echo "promtool $PROMETHEUS_MODULE_VERSION: building promtool (several minutes on a cold cache)"
start=$(date +%s)
# Prometheus's module has no replace directives, so go install builds it at the pinned version; its
# module versions v0.3XX.Y are the releases v3.XX.Y
release="v3.${PROMETHEUS_MODULE_VERSION#v0.3}"
# remove_all_sd: without the service discovery plugins (cloud SDKs), which rule tests never use: a far
# smaller build
CGO_ENABLED=0 GOBIN="$out/bin" nice -n 10 go install -tags netgo,remove_all_sd \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=${release#v}" \
  "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION"
echo "promtool $PROMETHEUS_MODULE_VERSION: built in $(( $(date +%s) - start ))s"
echo "promtool $PROMETHEUS_MODULE_VERSION: ready in $out/bin"
