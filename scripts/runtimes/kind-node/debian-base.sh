#!/usr/bin/env bash
# Builds a minimal Debian bookworm image (debootstrap --variant=minbase from this machine's Debian mirror,
# then `docker import`) tagged IMAGE (default shopstack/debian:bookworm). The app images build FROM it too.
set -euo pipefail
image=${1:-shopstack/debian:bookworm}
if docker image inspect "$image" >/dev/null 2>&1; then echo "debian base: $image present"; exit 0; fi
command -v debootstrap >/dev/null || { echo "error: debootstrap is needed to build $image (apt-get install debootstrap)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "error: debootstrap needs root to build $image" >&2; exit 1; }

# the mirror this machine's apt already uses (deb822 or one-line sources), else Debian's CDN
mirror=$(sed -n 's#^URIs: *\(http[^ ]*/debian\)/*$#\1#p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
[ -n "$mirror" ] || mirror=$(sed -n 's#^deb \(http[^ ]*/debian\)/* bookworm .*#\1#p' /etc/apt/sources.list 2>/dev/null | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "debian base: debootstrap bookworm from $mirror (about a minute)"
start=$(date +%s)
if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1; then
  echo "error: debootstrap failed (log: $rootfs.log):" >&2; tail -n 5 "$rootfs.log" >&2; exit 1
fi
rm -f "$rootfs.log"
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
# images stay small: no downloaded packages, lists, docs or man pages
cat >"$rootfs/etc/apt/apt.conf.d/90shopstack-slim" <<'APT'
APT::Install-Recommends "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/90shopstack-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
DPKG
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/*/changelog* "$rootfs"/usr/share/man/*
tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$image" >/dev/null
echo "debian base: $image built in $(( $(date +%s) - start ))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
