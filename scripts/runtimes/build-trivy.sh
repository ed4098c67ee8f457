#!/usr/bin/env bash
# Builds trivy (used only as `trivy config`, offline, with its embedded checks) from the
# github.com/aquasecurity/trivy Go module into ~/.cache/shopstack/trivy-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/trivy-$TRIVY_VERSION"
exit_if_cached "trivy $TRIVY_VERSION" "$out" trivy
require_go "trivy $TRIVY_VERSION"

mkdir -p "$out/bin"
go_build_lock "trivy $TRIVY_VERSION"
echo "trivy $TRIVY_VERSION: building trivy (about 5 minutes on a cold cache and two idle cores, far longer on busy ones)"
start=$(date +%s)
# trivy's module has no replace directives; it needs Go's encoding/json/v2 experiment. Niced: it is the
# largest build here.
GOEXPERIMENT=jsonv2 CGO_ENABLED=0 GOBIN="$out/bin" nice -n 10 go install -trimpath \
  -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_VERSION#v}" \
  "github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_VERSION"
echo "trivy $TRIVY_VERSION: built in $(( $(date +%s) - start ))s; ready in $out/bin"
