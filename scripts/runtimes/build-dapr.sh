#!/usr/bin/env bash
# Builds daprd (stable components + sqlite name resolver), sentry, placement, scheduler, operator and injector
# from the github.com/dapr/dapr Go module into ~/.cache/shopstack/dapr-<version>/bin.
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/dapr-$DAPR_VERSION"
bins=(daprd sentry placement scheduler operator injector)
exit_if_cached "dapr $DAPR_VERSION" "$out" "${bins[@]}"
require_go "Dapr $DAPR_VERSION"

work="$out/src"
mkdir -p "$work/daprd" "$out/bin"
echo "dapr $DAPR_VERSION: downloading module"
moddir=$(module_dir "github.com/dapr/dapr@$DAPR_VERSION" "$work")
goversion=$(sed -n 's/^go //p' "$moddir/go.mod")
# daprd is built from copies of the modules that need fixes, made under the cache at build time: each
# daprd/*.sed says why, names on its `# file:` line the module and the file it fixes, and on its
# `# expect:` line what the fixed file must then hold once. Nothing of them enters the repository.
# Modules other than Dapr are copied at the version Dapr's go.mod requires.
# (the last build's go.mod goes too: it names copies that no longer exist, which `go mod download` refuses)
rm -rf "$work"/*-module "$work/go.mod"
replaces=()
for fix in "$here"/daprd/*.sed; do
  read -r module file < <(sed -n 's/^# file: //p' "$fix")
  [ -n "$module" ] && [ -n "$file" ] || { echo "error: daprd/$(basename "$fix") has no '# file: MODULE PATH' line" >&2; exit 1; }
  copy="$work/${module##*/}-module" # a stable path: Go's build cache keys packages outside it by folder
  if [ ! -d "$copy" ]; then
    version=$DAPR_VERSION
    [ "$module" = github.com/dapr/dapr ] || version=$(awk -v m="$module" '$1 == m { print $2; exit }' "$moddir/go.mod")
    [ -n "$version" ] || { echo "error: Dapr $DAPR_VERSION does not require $module" >&2; exit 1; }
    cp -r "$(module_dir "$module@$version" "$work")" "$copy"
    chmod -R u+w "$copy"
    replaces+=("replace $module => ./${module##*/}-module")
  fi
  sed -i -f "$fix" "$copy/$file"
  expect=$(sed -n 's/^# expect: //p' "$fix")
  [ -n "$expect" ] && [ "$(grep -cE "$expect" "$copy/$file")" = 1 ] ||
    { echo "error: daprd/$(basename "$fix") no longer applies to $module's $file" >&2; exit 1; }
done
{
  echo "module shopstack.local/dapr-runtime"
  echo
  echo "go $goversion"
  echo
  echo "require github.com/dapr/dapr $DAPR_VERSION"
  echo
  printf '%s\n' "${replaces[@]}"
  echo
  # repeat upstream's replace blocks: go refuses to honour them from a dependency
  upstream_replaces "$moddir/go.mod"
} > "$work/go.mod"
rm -f "$work"/daprd/*.go
cp "$here"/daprd/*.go "$work/daprd/"
cd "$work"
echo "dapr $DAPR_VERSION: resolving dependencies"
tidy_or_fail "Dapr $DAPR_VERSION"
ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION#v} -X github.com/dapr/kit/logger.DaprVersion=${DAPR_VERSION#v}"
export CGO_ENABLED=0
for b in "${bins[@]}"; do
  [ -x "$out/bin/$b" ] && { echo "dapr $DAPR_VERSION: $b already built"; continue; }
  echo "dapr $DAPR_VERSION: building $b (several minutes on a cold cache)"
  start=$(date +%s)
  if [ "$b" = daprd ]; then pkg=./daprd; else pkg="github.com/dapr/dapr/cmd/$b"; fi
  GOFLAGS=-mod=mod go build -tags stablecomponents -ldflags "$ldflags" -o "$out/bin/$b.tmp" "$pkg"
  mv "$out/bin/$b.tmp" "$out/bin/$b"
  echo "dapr $DAPR_VERSION: $b built in $(( $(date +%s) - start ))s"
done
mkdir -p "$out/crds"
cp "$moddir"/charts/dapr/crds/*.yaml "$out/crds/"
chmod -R u+w "$out/crds"
echo "dapr $DAPR_VERSION: ready in $out/bin"
