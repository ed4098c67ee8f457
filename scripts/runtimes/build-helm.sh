#!/usr/bin/env bash
# Builds helm from the helm.sh/helm/v3 Go module into ~/.cache/shopstack/helm-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/helm-$HELM_VERSION"
exit_if_cached "helm $HELM_VERSION" "$out" helm
require_go "helm $HELM_VERSION"

mkdir -p "$out/bin"
echo "helm $HELM_VERSION: building helm (a few minutes on a cold cache)"
start=$(date +%s)
# helm's module has no replace directives, so go install can build it directly at the pinned version
CGO_ENABLED=0 GOBIN="$out/bin" go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
echo "helm $HELM_VERSION: helm built in $(( $(date +%s) - start ))s"
echo "helm $HELM_VERSION: ready in $out/bin"
