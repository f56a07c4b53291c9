/**
 * Setting file attributes: permission bits, owners, timestamps.
 */

import { E } from "../errno.ts";
import { checkName, errnoError, lastErrno, libc } from "./ffi.ts";

const fchmodFn = libc.func("int fchmod(int fd, unsigned int mode)");
const fchmodatFn = libc.func(
  "int fchmodat(int dirfd, const char *name, unsigned int mode, int flags)",
);
const fchownatFn = libc.func(
  "int fchownat(int dirfd, const char *name, unsigned int uid, " +
    "unsigned int gid, int flags)",
);
const utimensatFn = libc.func(
  "int utimensat(int dirfd, const char *name, void *times, int flags)",
);
const futimensFn = libc.func("int futimens(int fd, void *times)");

/** retry is true after EINTR and throws on any other failure. */
function retry(r: number, syscall: string): boolean {
  if (r >= 0) return false;
  if (lastErrno() === E.EINTR) return true;
  throw errnoError(syscall);
}

/**
 * fchmod sets the permission bits (07777) of the file open as fd; Linux
 * fchmod(2). An O_PATH fd gives EBADF.
 *
 * Throws SysError EPERM (not the owner), EROFS, EBADF, EIO.
 */
export function fchmod(fd: number, mode: number): void {
  while (retry(fchmodFn(fd, mode), "fchmod"));
}

/**
 * fchmodat sets the permission bits of name relative to dirfd; Linux
 * fchmodat(2). glibc emulates AT_SYMLINK_NOFOLLOW and refuses it with
 * EOPNOTSUPP on a symlink, whose mode Linux cannot change.
 *
 * Throws SysError ENOENT, EPERM, EROFS, ENOTDIR, EACCES, ELOOP,
 * EOPNOTSUPP, EINVAL.
 */
export function fchmodat(
  dirfd: number,
  name: string,
  mode: number,
  flags = 0,
): void {
  checkName(name, "fchmodat");
  while (retry(fchmodatFn(dirfd, name, mode, flags), "fchmodat"));
}

/**
 * fchownat sets the owner and group of name relative to dirfd; Linux
 * fchownat(2). An id of -1 (0xffffffff) leaves that id alone. Flags take
 * AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH.
 *
 * Throws SysError EPERM, ENOENT, EROFS, ENOTDIR, EACCES, ELOOP, EINVAL.
 */
export function fchownat(
  dirfd: number,
  name: string,
  uid: number,
  gid: number,
  flags: number,
): void {
  checkName(name, "fchownat");
  const call = () => fchownatFn(dirfd, name, uid >>> 0, gid >>> 0, flags);
  while (retry(call(), "fchownat"));
}

/**
 * A struct timespec. nsec may be UTIME_NOW (set to the current time) or
 * UTIME_OMIT (leave alone) instead of a count of nanoseconds.
 */
export interface Timespec {
  sec: number | bigint;
  nsec: number;
}

const times = new Uint8Array(32);
const timesView = new DataView(times.buffer);

/**
 * utimensat sets the access and modification times of name relative to
 * dirfd; Linux utimensat(2). A null name sets those of the file dirfd
 * itself refers to through futimens(3) (glibc's utimensat refuses a null
 * name), and flags are then ignored. AT_SYMLINK_NOFOLLOW sets a symlink's
 * own times.
 *
 * Throws SysError ENOENT, EPERM, EACCES, EROFS, ENOTDIR, ELOOP, EBADF,
 * EINVAL (nsec out of range).
 */
export function utimensat(
  dirfd: number,
  name: string | null,
  atime: Timespec,
  mtime: Timespec,
  flags = 0,
): void {
  timesView.setBigInt64(0, BigInt(atime.sec), true);
  timesView.setBigInt64(8, BigInt(atime.nsec), true);
  timesView.setBigInt64(16, BigInt(mtime.sec), true);
  timesView.setBigInt64(24, BigInt(mtime.nsec), true);
  if (name === null) {
    while (retry(futimensFn(dirfd, times), "futimens"));
    return;
  }
  checkName(name, "utimensat");
  while (retry(utimensatFn(dirfd, name, times, flags), "utimensat"));
}
