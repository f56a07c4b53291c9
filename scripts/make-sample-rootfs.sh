#!/usr/bin/env bash
# Regenerates sample/rootfs, the small real tree `npm start` explores:
# nested directories, relative and absolute symlinks, an executable
# script, and files from empty to 256 KiB. Deterministic; the output is
# committed.
set -euo pipefail
out=${1:-sample/rootfs}
rm -rf "$out"
mkdir -p "$out"/{etc,usr/bin,usr/lib/data,usr/share/doc/sample/a/b/c/d}
mkdir -p "$out"/{usr/share/zoneinfo,home/user,var/log,root}
cd "$out"

cat > usr/lib/os-release <<'OS'
PRETTY_NAME="Sandbox Sample 1.0"
NAME="Sandbox Sample"
VERSION_ID="1.0"
ID=sandbox-sample
OS
ln -s ../usr/lib/os-release etc/os-release
echo sample > etc/hostname
printf 'Welcome to the sandbox sample tree.\nEvery file you see came through the gofer.\n' > etc/motd
printf 'root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/bash\n' > etc/passwd
printf 'root:x:0:\nuser:x:1000:\n' > etc/group
ln -s /usr/share/zoneinfo/UTC etc/localtime
printf 'TZif2 (placeholder for a zoneinfo file)\n' > usr/share/zoneinfo/UTC
ln -s usr/bin bin
ln -s usr/lib lib
cat > usr/bin/hello <<'SH'
#!/bin/bash
# A script on PATH: the shell runs it.
echo "hello from $(cat /etc/hostname), a sandbox of $(ls / | wc -l) entries"
SH
chmod 755 usr/bin/hello
printf 'The sample tree of sandbox-fs.\n' > usr/share/doc/sample/README
seq 1 12000 | sed 's/^/changelog line /' > usr/share/doc/sample/changelog
echo deep > usr/share/doc/sample/a/b/c/d/deep.txt
ln -s a/b/c/d usr/share/doc/sample/shortcut
# 256 KiB of deterministic bytes (head ends the pipe early: no pipefail).
(set +o pipefail; seq 1 100000 | gzip -n -1 | od -An -tx1 -v |
  tr -d ' \n' | head -c 262144) > usr/lib/data/blob.bin
: > var/log/empty.log
printf 'notes of user\n' > home/user/notes.txt
chmod 600 home/user/notes.txt
printf 'export PS1="sandbox# "\n' > root/.bashrc
