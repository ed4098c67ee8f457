#!/usr/bin/env bash
# Builds kube-score from the github.com/zegl/kube-score Go module into ~/.cache/shopstack/kube-score-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/kube-score-$KUBE_SCORE_VERSION"
exit_if_cached "kube-score $KUBE_SCORE_VERSION" "$out" kube-score
require_go "kube-score $KUBE_SCORE_VERSION"

mkdir -p "$out/bin"
go_build_lock "kube-score $KUBE_SCORE_VERSION"
echo "kube-score $KUBE_SCORE_VERSION: building kube-score (a minute or two on a cold cache)"
start=$(date +%s)
# kube-score's module has no replace directives, so go install builds it directly at the pinned version
CGO_ENABLED=0 GOBIN="$out/bin" nice -n 10 go install -trimpath \
  -ldflags "-s -w -X main.version=$KUBE_SCORE_VERSION" "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
echo "kube-score $KUBE_SCORE_VERSION: built in $(( $(date +%s) - start ))s; ready in $out/bin"
