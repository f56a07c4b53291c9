/**
 * Operations on directory entries: reading a symlink, and making, removing,
 * renaming and linking names. Every name is relative to a directory fd.
 *
 * Names are JS strings, handed to the kernel as UTF-8; a name holding NUL
 * is refused with EINVAL before the call.
 */

import { E, SysError } from "../errno.ts";
import { PATH_MAX } from "./constants.ts";
import { checkName, errnoError, lastErrno, libc } from "./ffi.ts";

const readlinkatFn = libc.func(
  "long readlinkat(int dirfd, const char *name, void *buf, size_t size)",
);
const mkdiratFn = libc.func(
  "int mkdirat(int dirfd, const char *name, unsigned int mode)",
);
const unlinkatFn = libc.func(
  "int unlinkat(int dirfd, const char *name, int flags)",
);
const renameatFn = libc.func(
  "int renameat(int olddirfd, const char *oldname, int newdirfd, " +
    "const char *newname)",
);
const renameat2Fn = libc.func(
  "int renameat2(int olddirfd, const char *oldname, int newdirfd, " +
    "const char *newname, unsigned int flags)",
);
const symlinkatFn = libc.func(
  "int symlinkat(const char *target, int newdirfd, const char *linkname)",
);
const linkatFn = libc.func(
  "int linkat(int olddirfd, const char *oldname, int newdirfd, " +
    "const char *newname, int flags)",
);
const mknodatFn = libc.func(
  "int mknodat(int dirfd, const char *name, unsigned int mode, " +
    "uint64_t dev)",
);

/** A symlink target is at most PATH_MAX - 1 bytes; one more shows excess. */
const linkBuf = new Uint8Array(PATH_MAX);
const utf8 = new TextDecoder("utf-8");

/**
 * retry tells whether a call that returned r must be made again (it failed
 * with EINTR), and throws the SysError of any other failure.
 */
function retry(r: number, syscall: string): boolean {
  if (r >= 0) return false;
  if (lastErrno() === E.EINTR) return true;
  throw errnoError(syscall);
}

/**
 * readlinkat returns the target of the symlink name relative to dirfd,
 * as stored, unresolved; Linux readlinkat(2). With name "" it reads the
 * symlink dirfd itself refers to (opened with O_PATH | O_NOFOLLOW).
 *
 * The target is decoded as UTF-8: an invalid sequence becomes U+FFFD.
 *
 * Throws SysError EINVAL (not a symlink), ENOENT, ENOTDIR, EACCES, ELOOP,
 * ENAMETOOLONG (a target that fills PATH_MAX bytes), EBADF, EIO.
 */
export function readlinkat(dirfd: number, name: string): string {
  checkName(name, "readlinkat");
  let n: number;
  do n = readlinkatFn(dirfd, name, linkBuf, linkBuf.length);
  while (retry(n, "readlinkat"));
  if (n >= linkBuf.length) {
    throw new SysError(E.ENAMETOOLONG, "readlinkat");
  }
  return utf8.decode(linkBuf.subarray(0, n));
}

/**
 * mkdirat makes the directory name relative to dirfd; Linux mkdirat(2).
 * mode is filtered by the process umask.
 *
 * Throws SysError EEXIST, ENOENT, ENOTDIR, EACCES, ENOSPC, EDQUOT, EMLINK,
 * EROFS, ENAMETOOLONG, ELOOP, EINVAL.
 */
export function mkdirat(dirfd: number, name: string, mode: number): void {
  checkName(name, "mkdirat");
  while (retry(mkdiratFn(dirfd, name, mode), "mkdirat"));
}

/**
 * unlinkat removes name relative to dirfd; Linux unlinkat(2). With
 * AT_REMOVEDIR it removes an empty directory, else a non-directory.
 *
 * Throws SysError ENOENT, EISDIR (a directory without AT_REMOVEDIR),
 * ENOTDIR, ENOTEMPTY, EBUSY, EACCES, EPERM, EROFS, EINVAL.
 */
export function unlinkat(dirfd: number, name: string, flags: number): void {
  checkName(name, "unlinkat");
  while (retry(unlinkatFn(dirfd, name, flags), "unlinkat"));
}

/**
 * renameat moves oldName under oldDirfd to newName under newDirfd; Linux
 * renameat(2), or renameat2(2) when flags (RENAME_NOREPLACE,
 * RENAME_EXCHANGE, RENAME_WHITEOUT) is not 0.
 *
 * Throws SysError ENOENT, EEXIST (RENAME_NOREPLACE), ENOTEMPTY, EISDIR,
 * ENOTDIR, EXDEV (across mounts), EINVAL (into itself, or flags the
 * filesystem lacks), EBUSY, EACCES, EPERM, EROFS, ENOSPC.
 */
export function renameat(
  oldDirfd: number,
  oldName: string,
  newDirfd: number,
  newName: string,
  flags = 0,
): void {
  checkName(oldName, "renameat");
  checkName(newName, "renameat");
  if (flags === 0) {
    const call = () => renameatFn(oldDirfd, oldName, newDirfd, newName);
    while (retry(call(), "renameat"));
    return;
  }
  const call2 = () =>
    renameat2Fn(oldDirfd, oldName, newDirfd, newName, flags);
  while (retry(call2(), "renameat2"));
}

/**
 * symlinkat makes linkName under dirfd a symlink holding target, which is
 * stored as given and not checked; Linux symlinkat(2).
 *
 * Throws SysError EEXIST, ENOENT (also for an empty target), ENOTDIR,
 * EACCES, ENOSPC, EDQUOT, EROFS, ENAMETOOLONG.
 */
export function symlinkat(
  target: string,
  dirfd: number,
  linkName: string,
): void {
  checkName(target, "symlinkat");
  checkName(linkName, "symlinkat");
  while (retry(symlinkatFn(target, dirfd, linkName), "symlinkat"));
}

/**
 * linkat makes newName under newDirfd a hard link to oldName under
 * oldDirfd; Linux linkat(2). A final symlink in oldName is linked itself
 * unless flags has AT_SYMLINK_FOLLOW; AT_EMPTY_PATH links the file
 * oldDirfd refers to and needs CAP_DAC_READ_SEARCH.
 *
 * Throws SysError EEXIST, ENOENT, EPERM (a directory), EXDEV, EMLINK,
 * ENOTDIR, EACCES, ENOSPC, EDQUOT, EROFS.
 */
export function linkat(
  oldDirfd: number,
  oldName: string,
  newDirfd: number,
  newName: string,
  flags: number,
): void {
  checkName(oldName, "linkat");
  checkName(newName, "linkat");
  const call = () => linkatFn(oldDirfd, oldName, newDirfd, newName, flags);
  while (retry(call(), "linkat"));
}

/**
 * mknodat makes a regular file, FIFO, socket or (with CAP_MKNOD) device
 * node name under dirfd; Linux mknodat(2). mode carries the S_IF* type;
 * dev is the device number as makedev(3) builds it.
 *
 * Throws SysError EEXIST, ENOENT, EPERM, EINVAL, EACCES, ENOSPC, EROFS.
 */
export function mknodat(
  dirfd: number,
  name: string,
  mode: number,
  dev: number | bigint = 0,
): void {
  checkName(name, "mknodat");
  while (retry(mknodatFn(dirfd, name, mode, dev), "mknodat"));
}
