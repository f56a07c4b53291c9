/**
 * Host operations of the gofer, one name at a time.
 *
 * Every step below the export root is an openat of a single name with
 * O_PATH|O_NOFOLLOW relative to the previous step's fd: no multi-name
 * path string ever reaches the host, a symlink is never followed (the
 * sentry resolves links inside the sandbox), and ".." cannot be named.
 * Only regular files and directories are ever opened for I/O; device
 * nodes, FIFOs and sockets can be walked to and stat-ed, nothing more.
 *
 * Ownership: functions that return an fd hand it to the caller.
 */
import { E, SysError } from "../shared/errno.ts";
import { errnoError, libc } from "../shared/sys/ffi.ts";
import * as sys from "../shared/sys/libc.ts";

const PATH_FLAGS = sys.O_PATH | sys.O_NOFOLLOW | sys.O_CLOEXEC;
const STAT_FLAGS = sys.AT_EMPTY_PATH | sys.AT_SYMLINK_NOFOLLOW;
const NAME_MAX = 255;
const encoder = new TextEncoder();

/**
 * checkName refuses what is not one plain name: "", ".", "..", and names
 * holding "/" or NUL (EINVAL), or longer than NAME_MAX (ENAMETOOLONG).
 */
export function checkName(name: string): void {
  if (
    name === "" || name === "." || name === ".." || name.includes("/") ||
    name.includes("\0")
  ) {
    throw new SysError(E.EINVAL, "walk", name);
  }
  if (name.length > NAME_MAX / 3 && encoder.encode(name).length > NAME_MAX) {
    throw new SysError(E.ENAMETOOLONG, "walk");
  }
}

/** walkOne opens name below dirfd as an O_PATH fd without following. */
export function walkOne(dirfd: number, name: string): number {
  checkName(name);
  return openPath(dirfd, name);
}

/** openPath is walkOne for a name already checked. */
export function openPath(dirfd: number, name: string): number {
  return sys.openat(dirfd, name, PATH_FLAGS);
}

/** statFd gives the attributes of what fd refers to (not followed). */
export function statFd(fd: number): sys.Statx {
  return sys.statx(fd, "", STAT_FLAGS);
}

const fcntlFn = libc.func("int fcntl(int fd, int cmd, ...)");
const F_DUPFD_CLOEXEC = 1030;

/** dup gives another fd for the same open file, close-on-exec. */
export function dup(fd: number): number {
  const r = fcntlFn(fd, F_DUPFD_CLOEXEC, "int", 0);
  if (r < 0) throw errnoError("fcntl");
  return r;
}

let procSelfFd = -1;

/**
 * reopen opens the file behind an O_PATH fd for I/O, through
 * /proc/self/fd, which names that very inode and resolves no path.
 * Anything but a regular file or directory is EPERM: it is never opened
 * on the host. Write access is EROFS: this gofer serves read-only.
 */
export function reopen(pathFd: number, flags: number): number {
  const mode = statFd(pathFd).mode & sys.S_IFMT;
  if (mode !== sys.S_IFREG && mode !== sys.S_IFDIR) {
    throw new SysError(E.EPERM, "open");
  }
  const acc = flags & 3;
  if (acc !== 0 || flags & (WIRE_O_TRUNC | WIRE_O_CREAT)) {
    throw new SysError(E.EROFS, "open");
  }
  if (procSelfFd < 0) {
    procSelfFd = sys.openat(
      sys.AT_FDCWD, "/proc/self/fd",
      sys.O_PATH | sys.O_DIRECTORY | sys.O_CLOEXEC,
    );
  }
  let host = sys.O_RDONLY | sys.O_CLOEXEC | sys.O_NOCTTY;
  if (mode === sys.S_IFDIR) host |= sys.O_DIRECTORY;
  return sys.openat(procSelfFd, String(pathFd), host);
}

/** 9P2000.L's open flags (Linux's x86 values) that matter here. */
const WIRE_O_CREAT = 0o100;
const WIRE_O_TRUNC = 0o1000;
