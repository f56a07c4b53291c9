#!/usr/bin/env bash
# Installs the Debian packages the project uses: diod (a 9P2000.L server,
# the interop peer and an alternative gofer) and debootstrap (builds the
# Debian root filesystem for the end-to-end tests). Needs root.
set -euo pipefail
need=()
command -v diod >/dev/null 2>&1 || [ -x /usr/sbin/diod ] || need+=(diod)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] ||
  need+=(debootstrap)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-deps: diod and debootstrap are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to apt-get install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
