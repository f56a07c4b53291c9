#!/usr/bin/env bash
# Builds a real Debian root filesystem with debootstrap (minbase) into DIR
# (default ./rootfs), for exploring with `sentry run` and for the
# end-to-end tests. Installs debootstrap first if needed. Needs root.
# An existing complete tree (one with /etc/os-release) is kept.
#
#   bash scripts/build-debian-rootfs.sh [DIR] [SUITE] [MIRROR]
set -euo pipefail
dir=${1:-rootfs}
suite=${2:-bookworm}
mirror=${3:-http://deb.debian.org/debian}
if [ -e "$dir/etc/os-release" ] && [ -e "$dir/.debootstrap-done" ]; then
  echo "build-debian-rootfs: $dir is already built"
  exit 0
fi
bash "$(dirname "$0")/install-deps.sh"
rm -rf "$dir.partial"
debootstrap --variant=minbase "$suite" "$dir.partial" "$mirror"
touch "$dir.partial/.debootstrap-done"
rm -rf "$dir"
mv "$dir.partial" "$dir"
echo "build-debian-rootfs: built $dir ($(du -sh "$dir" | cut -f1))"
