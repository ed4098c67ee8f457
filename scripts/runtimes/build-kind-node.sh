#!/usr/bin/env bash
# Builds kind's node image kindest/node:<kubernetes version> locally, from Debian packages and Go modules only
# (no Docker Hub, no registry.k8s.io), and saves it to ~/.cache/shopstack/kind-node-<version>/ as a zstd tar.
#  1. shopstack/debian:bookworm (kind-node/debian-base.sh) and, on it, the node base image
#     (kind-node/Dockerfile: Debian's systemd, containerd, runc, CNI plugins + kind's own files from the module)
#  2. Go builds (each cached under ~/.cache/shopstack): the seven Kubernetes binaries (build-kube.sh), kind,
#     crictl, coredns, etcd, local-path-provisioner; pause from C
#  3. every image kubeadm and kind need, under the names they expect, saved into the Kubernetes server tarball
#  4. kind build node-image --type file <tarball> --base-image <our base>
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="$cache/kind-node-$KUBERNETES_VERSION"
image="kindest/node:$KUBERNETES_VERSION"
archive="$out/kindest-node-$KUBERNETES_VERSION.tar.zst"
label="kind node $KUBERNETES_VERSION"
if [ -s "$archive" ]; then echo "$label: cached in $archive"; exit 0; fi
require_go "$image"
for tool in docker gcc zstd gzip jq; do
  command -v $tool >/dev/null || { echo "error: '$tool' is required to build $image" >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "error: no Docker engine answers 'docker info'; it is needed to build $image" >&2; exit 1; }
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || [ -e /usr/lib/libc.a ] || [ -n "$(gcc -print-file-name=libc.a | grep /)" ] ||
  { echo "error: gcc -static needs libc.a (apt-get install libc6-dev)" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
began=$(date +%s)
step_began=$began
# read_cpu: sets $cpu to the user+system seconds of this script's finished children (Go builds, not dockerd);
# `times` must run in this shell, not in a $(...) subshell
read_cpu() {
  times >"$work/times"
  cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times")
}
read_cpu
step_cpu=$cpu
# done_step WHAT: prints the wall and CPU time since the last step
done_step() {
  local now
  now=$(date +%s)
  read_cpu
  echo "$label: $1 ($(( now - step_began ))s wall, $(( cpu - step_cpu )) CPU-s)"
  step_began=$now step_cpu=$cpu
}

# go_install LABEL DIR MODULE@VERSION [LDFLAGS]: builds a module with no replace directives into DIR/bin
go_install() {
  local what=$1 dir=$2 module=$3 ldflags="-s -w ${4:-}" bin=${3%@*}
  bin=${bin##*/}
  if [ -x "$dir/bin/$bin" ]; then echo "$what: cached in $dir"; return; fi
  mkdir -p "$dir/bin"
  echo "$what: building $module"
  if ! CGO_ENABLED=0 GOBIN="$dir/bin" GOFLAGS=-mod=mod go install -trimpath -ldflags "$ldflags" "$module" 2>"$dir/build.log"; then
    echo "error: building $module failed (is the Go module proxy reachable?):" >&2
    tail -n 5 "$dir/build.log" >&2
    exit 1
  fi
  done_step "$bin built"
}

# build_etcd: the kind node's etcd, by the same script as the local control plane's, at the node's version
build_etcd() {
  bash "$here/build-etcd.sh" "$KIND_NODE_ETCD_VERSION"
  done_step "etcd built"
}

# static_image IMAGE ENTRYPOINT SRC:DEST...: a one-layer image holding only the given static binaries
static_image() {
  local name=$1 entrypoint=$2 root pair
  shift 2
  root=$(mktemp -d "$work/rootfs.XXXXXX")
  mkdir -p "$root/tmp" && chmod 1777 "$root/tmp"
  for pair in "$@"; do
    mkdir -p "$root/$(dirname "${pair#*:}")"
    cp -a "${pair%%:*}" "$root/${pair#*:}"
  done
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    ${entrypoint:+--change "ENTRYPOINT $entrypoint"} - "$name" >/dev/null
  rm -rf "$root"
}

# ---- 1. base images
bash "$here/kind-node/debian-base.sh" shopstack/debian:bookworm
kindmod=$(module_dir "sigs.k8s.io/kind@$KIND_VERSION" "$work")
[ -d "$kindmod/images/base/files" ] || { echo "error: sigs.k8s.io/kind@$KIND_VERSION has no images/base/files" >&2; exit 1; }
go_install "crictl $CRICTL_VERSION" "$cache/crictl-$CRICTL_VERSION" "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
ctx="$work/base-context"
mkdir -p "$ctx/shopstack"
cp -r "$kindmod/images/base/files" "$ctx/files" && chmod -R u+w "$ctx/files"
cp "$cache/crictl-$CRICTL_VERSION/bin/crictl" "$ctx/crictl"
cp "$here/kind-node/ctr" "$here/kind-node/10-shopstack-bridge.conflist" "$ctx/shopstack/"
base="shopstack.local/kind-node-base:$KIND_VERSION" # a registry host that does not resolve: kind tries to pull the base first
echo "$label: building the node base image $base (Debian packages)"
docker build -q -f "$here/kind-node/Dockerfile" --build-arg BASE_IMAGE=shopstack/debian:bookworm -t "$base" "$ctx" >/dev/null 2>"$work/build.err" ||
  { echo "error: building $base failed:" >&2; tail -n 15 "$work/build.err" >&2; exit 1; }
done_step "node base image built"

# ---- 2. binaries
bash "$here/build-kube.sh" kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl
done_step "Kubernetes binaries ready"
bash "$here/build-kind.sh"
kind="$cache/kind-$KIND_VERSION/bin/kind"
kubebin="$cache/kubernetes-$KUBERNETES_VERSION/bin"
go_install "coredns $COREDNS_VERSION" "$cache/coredns-$COREDNS_VERSION" "github.com/coredns/coredns@$COREDNS_VERSION"
go_install "local-path-provisioner $LOCAL_PATH_PROVISIONER_VERSION" "$cache/local-path-provisioner-$LOCAL_PATH_PROVISIONER_VERSION" \
  "github.com/rancher/local-path-provisioner@$LOCAL_PATH_PROVISIONER_VERSION" "-X main.VERSION=$LOCAL_PATH_PROVISIONER_VERSION"
build_etcd
gcc -static -O2 -o "$work/pause" "$here/kind-node/pause.c"
gcc -static -O2 -o "$work/no-kindnetd" "$here/kind-node/no-kindnetd.c"

# ---- 3. images, named as kubeadm and kind will look for them
mapfile -t kubeadm_images < <("$kubebin/kubeadm" config images list --kubernetes-version "$KUBERNETES_VERSION" 2>/dev/null)
[ ${#kubeadm_images[@]} -gt 0 ] || { echo "error: '$kubebin/kubeadm config images list' listed no images" >&2; exit 1; }
kind_const() { sed -n "s/^const $1 = \"\(.*\)\"/\1/p" "$kindmod/pkg/build/nodeimage/$2"; }
kindnetd_image=$(kind_const kindnetdImage const_cni.go)
provisioner_image=$(kind_const storageProvisionerImage const_storage.go)
helper_image=$(kind_const storageHelperImage const_storage.go)
sandbox_image=$(sed -n 's/^[[:space:]]*sandbox_image = "\(.*\)"/\1/p' "$kindmod/images/base/files/etc/containerd/config.toml")
for v in kindnetd_image provisioner_image helper_image sandbox_image; do
  [ -n "${!v}" ] || { echo "error: cannot find $v in sigs.k8s.io/kind@$KIND_VERSION (did its layout change?)" >&2; exit 1; }
done
extra_images=()
for name in "${kubeadm_images[@]}" "$sandbox_image"; do
  repo=${name%:*} tag=${name##*:}
  case $repo in
    */kube-apiserver | */kube-controller-manager | */kube-scheduler)
      static_image "$name" "" "$kubebin/${repo##*/}:/usr/local/bin/${repo##*/}" ;;
    */kube-proxy)
      pctx="$work/kube-proxy-context"
      mkdir -p "$pctx" && cp "$kubebin/kube-proxy" "$here/kind-node/kube-proxy-wrapper.sh" "$pctx/"
      docker build -q -f "$here/kind-node/kube-proxy.Dockerfile" --build-arg BASE_IMAGE=shopstack/debian:bookworm -t "$name" "$pctx" >/dev/null 2>"$work/build.err" ||
        { echo "error: building $name failed:" >&2; tail -n 15 "$work/build.err" >&2; exit 1; } ;;
    */etcd)
      [[ $tag == "${KIND_NODE_ETCD_VERSION#v}"-* ]] || { echo "error: kubeadm wants $name but KIND_NODE_ETCD_VERSION is $KIND_NODE_ETCD_VERSION" >&2; exit 1; }
      static_image "$name" "" "$cache/etcd-$KIND_NODE_ETCD_VERSION/bin/etcd:/usr/local/bin/etcd"
      extra_images+=("$name") ;;
    */coredns)
      [ "$tag" = "$COREDNS_VERSION" ] || { echo "error: kubeadm wants $name but COREDNS_VERSION is $COREDNS_VERSION" >&2; exit 1; }
      static_image "$name" '["/coredns"]' "$cache/coredns-$COREDNS_VERSION/bin/coredns:/coredns"
      extra_images+=("$name") ;;
    */pause)
      static_image "$name" '["/pause"]' "$work/pause:/pause"
      extra_images+=("$name") ;;
    *) echo "error: no recipe for the image $name that kubeadm $KUBERNETES_VERSION needs" >&2; exit 1 ;;
  esac
done
static_image "$provisioner_image" '["/usr/local/bin/local-path-provisioner"]' \
  "$cache/local-path-provisioner-$LOCAL_PATH_PROVISIONER_VERSION/bin/local-path-provisioner:/usr/local/bin/local-path-provisioner"
# the helper pod runs `sh /script/setup` (mkdir, rm): Debian's busybox-static provides them
docker run --rm -v "$work:/out" shopstack/debian:bookworm sh -c \
  'apt-get update -qq && apt-get install -y -qq --no-install-recommends busybox-static >/dev/null && cp /bin/busybox /out/busybox' \
  >/dev/null 2>"$work/build.err" || { echo "error: installing Debian's busybox-static failed:" >&2; tail -n 5 "$work/build.err" >&2; exit 1; }
helper_links=()
for applet in sh mkdir rm ls cat; do helper_links+=("$work/busybox:/bin/$applet"); done
static_image "$helper_image" "" "${helper_links[@]}"
static_image "$kindnetd_image" '["/no-kindnetd"]' "$work/no-kindnetd:/no-kindnetd"
extra_images+=("$provisioner_image" "$helper_image" "$kindnetd_image")
done_step "images built"

# ---- the Kubernetes server tarball kind reads: kind loads only kube-{apiserver,controller-manager,scheduler,proxy}.tar,
# and takes the names it has from the first of manifest.json or repositories in each; so kube-apiserver.tar carries
# every other image too, with `repositories` (all names, fully qualified) placed first
bin="$work/kubernetes/server/bin"
mkdir -p "$bin"
echo "$KUBERNETES_VERSION" >"$work/kubernetes/version"
cp "$kubebin/kubeadm" "$kubebin/kubelet" "$kubebin/kubectl" "$bin/"
apiserver_image=$(printf '%s\n' "${kubeadm_images[@]}" | grep /kube-apiserver:)
for component in kube-controller-manager kube-scheduler kube-proxy; do
  docker save -o "$bin/$component.tar" "$(printf '%s\n' "${kubeadm_images[@]}" | grep "/$component:")"
done
mkdir "$work/bundle"
docker save "$apiserver_image" "${extra_images[@]}" | tar -C "$work/bundle" -x
qualify='with_entries(.key |= (if (split("/")[0] | test("[.:]") or . == "localhost") then . else "docker.io/" + . end))'
jq -c "$qualify" "$work/bundle/repositories" >"$work/repositories" && mv "$work/repositories" "$work/bundle/repositories"
(cd "$work/bundle" && tar -cf "$bin/kube-apiserver.tar" repositories manifest.json $(ls | grep -vx 'repositories\|manifest.json'))
rm -rf "$work/bundle"
tarball="$work/kubernetes-server-linux-amd64.tar.gz"
tar -C "$work" -c kubernetes | gzip -1 >"$tarball"
rm -rf "$work/kubernetes"
done_step "Kubernetes server tarball assembled"

# ---- 4. the node image
echo "$label: kind build node-image"
kind_env=()
if ! docker run --rm --privileged --entrypoint true "$base" >/dev/null 2>&1; then
  # kind execs into its build container with --privileged, which this engine refuses (see the wrapper)
  echo "$label: privileged containers fail on this engine; kind runs through scripts/cluster/docker-shim"
  kind_env=(env "PATH=$here/../cluster/docker-shim:$PATH" "SHOPSTACK_REAL_DOCKER=$(command -v docker)")
fi
# TMPDIR: kind extracts the server tarball there (about 900 MB) and leaves it; $work goes on exit
TMPDIR="$work" "${kind_env[@]}" "$kind" build node-image --type file "$tarball" --base-image "$base" --image "$image" >"$work/kind-build.log" 2>&1 ||
  { echo "error: kind build node-image failed:" >&2; tail -n 15 "$work/kind-build.log" >&2; exit 1; }
done_step "$image built"
docker save "$image" | zstd -q -T0 -3 -o "$archive.tmp"
mv "$archive.tmp" "$archive"
done_step "saved $(du -h "$archive" | cut -f1) to $archive"
# the component images live on inside the node image; the base stays for a quicker rebuild
docker rmi "${kubeadm_images[@]}" "${extra_images[@]}" >/dev/null 2>&1 || true
echo "$label: ready in $(( $(date +%s) - began ))s"
