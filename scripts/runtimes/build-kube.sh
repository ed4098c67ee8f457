#!/usr/bin/env bash
# Builds Kubernetes binaries from the k8s.io/kubernetes Go module into ~/.cache/shopstack/kubernetes-<version>/bin.
# Usage: build-kube.sh [BINARY...]; default kube-apiserver. The kind node image needs all seven of:
# kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/kubernetes-$KUBERNETES_VERSION"
[ $# -gt 0 ] || set -- kube-apiserver
for bin in "$@"; do
  case $bin in
    kube-apiserver | kube-controller-manager | kube-scheduler | kube-proxy | kubelet | kubeadm | kubectl) ;;
    *) echo "error: build-kube.sh cannot build '$bin' (known: kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl)" >&2; exit 1 ;;
  esac
done
# one build at a time per version: a second run waits, then finds what the first one built
mkdir -p "$out"
if command -v flock >/dev/null; then
  exec 9>"$out/.build.lock"
  flock -n 9 || { echo "kubernetes $KUBERNETES_VERSION: waiting for another build-kube.sh"; flock 9; }
fi
exit_if_cached "kubernetes $KUBERNETES_VERSION" "$out" "$@"
require_go "$* $KUBERNETES_VERSION"
missing=()
for bin in "$@"; do [ -x "$out/bin/$bin" ] || missing+=("$bin"); done
pkgs=("${missing[@]/#/k8s.io/kubernetes/cmd/}")

work="$out/src"
mkdir -p "$work" "$out/bin"
echo "kubernetes $KUBERNETES_VERSION: downloading module"
moddir=$(module_dir "k8s.io/kubernetes@$KUBERNETES_VERSION" "$work")
goversion=$(sed -n 's/^go //p' "$moddir/go.mod")
# staging modules are published as k8s.io/<name> v0.<minor>.<patch> alongside each v1.<minor>.<patch> release
staging_version="v0.${KUBERNETES_VERSION#v1.}"
staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$moddir/go.mod")
[ -n "$staging" ] || { echo "error: no staging replaces found in $moddir/go.mod" >&2; exit 1; }
{
  echo "module shopstack.local/kube-runtime"
  echo
  echo "go $goversion"
  echo
  # keep upstream's godebug settings: they change runtime behaviour of the built binary
  sed -n '/^godebug/p' "$moddir/go.mod"
  echo
  echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
  echo
  echo "replace ("
  for m in $staging; do echo "	$m => $m $staging_version"; done
  echo ")"
} > "$work/go.mod"
echo "kubernetes $KUBERNETES_VERSION: $(echo "$staging" | wc -l) staging modules replaced with $staging_version"
cd "$work"
echo "kubernetes $KUBERNETES_VERSION: resolving dependencies"
if ! GOFLAGS=-mod=mod go get "${pkgs[@]/%/@$KUBERNETES_VERSION}" >"$work/get.log" 2>&1; then
  echo "error: resolving the kubernetes $KUBERNETES_VERSION module graph failed (is the Go module proxy reachable?):" >&2
  tail -n 5 "$work/get.log" >&2
  exit 1
fi
minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
echo "kubernetes $KUBERNETES_VERSION: building ${missing[*]} (about 3 minutes on a cold cache and two idle cores)"
start=$(date +%s)
# one go build for all of them: the packages they share compile once
tmp=$(mktemp -d "$out/bin/.build.XXXXXX")
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}"
for bin in "${missing[@]}"; do mv "$tmp/$bin" "$out/bin/$bin"; done
rmdir "$tmp"
echo "kubernetes $KUBERNETES_VERSION: ${missing[*]} built in $(( $(date +%s) - start ))s"
echo "kubernetes $KUBERNETES_VERSION: ready in $out/bin"
