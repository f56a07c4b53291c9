/**
 * Host file descriptors: opening, closing, and their per-descriptor flags.
 *
 * Every fd returned here is owned by the caller, who must close it exactly
 * once. Nothing here keeps a table of fds.
 */

import { readdirSync } from "node:fs";
import { E, SysError } from "../errno.ts";
import {
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  O_NONBLOCK,
} from "./constants.ts";
import { checkName, errnoError, lastErrno, libc } from "./ffi.ts";

const openatFn = libc.func(
  "int openat(int dirfd, const char *name, int flags, unsigned int mode)",
);
const closeFn = libc.func("int close(int fd)");
const fcntlFn = libc.func("int fcntl(int fd, int cmd, ...)");

/**
 * openat opens name relative to dirfd and returns the new fd; Linux
 * openat(2). mode matters only with O_CREAT or O_TMPFILE.
 *
 * The call is retried on EINTR. Opening a FIFO without O_NONBLOCK or O_PATH
 * blocks the event loop until a peer opens it: the caller must avoid that.
 *
 * Throws SysError ENOENT, EEXIST, ELOOP (last component a symlink under
 * O_NOFOLLOW), ENOTDIR, EISDIR, EACCES, EMFILE, ENAMETOOLONG, EINVAL (a
 * name holding NUL) and the other errnos of openat(2).
 */
export function openat(
  dirfd: number,
  name: string,
  flags: number,
  mode = 0,
): number {
  checkName(name, "openat");
  for (;;) {
    const fd = openatFn(dirfd, name, flags, mode);
    if (fd >= 0) return fd;
    if (lastErrno() !== E.EINTR) throw errnoError("openat");
  }
}

/**
 * close releases fd; Linux close(2). It is never retried: on Linux the fd
 * is gone even when close reports EINTR or EIO.
 *
 * Throws SysError EBADF for an fd that is not open, EIO for a write-back
 * failure reported at close.
 */
export function close(fd: number): void {
  if (closeFn(fd) < 0 && lastErrno() !== E.EINTR) throw errnoError("close");
}

function fcntlInt(fd: number, cmd: number, arg: number): number {
  const r = fcntlFn(fd, cmd, "int", arg);
  if (r < 0) throw errnoError("fcntl");
  return r;
}

/** getCloexec tells whether fd has FD_CLOEXEC set; fcntl(F_GETFD). */
export function getCloexec(fd: number): boolean {
  return (fcntlInt(fd, F_GETFD, 0) & FD_CLOEXEC) !== 0;
}

/**
 * setCloexec sets or clears FD_CLOEXEC on fd; fcntl(F_SETFD). A child
 * process inherits an fd only while the flag is clear.
 *
 * Throws SysError EBADF.
 */
export function setCloexec(fd: number, on: boolean): void {
  const old = fcntlInt(fd, F_GETFD, 0);
  const want = on ? old | FD_CLOEXEC : old & ~FD_CLOEXEC;
  if (want !== old) fcntlInt(fd, F_SETFD, want);
}

/**
 * setNonBlocking sets or clears O_NONBLOCK on the open file description of
 * fd; fcntl(F_SETFL). The flag is shared by every fd that dup(2)s or
 * SCM_RIGHTS made from the same open.
 *
 * Throws SysError EBADF.
 */
export function setNonBlocking(fd: number, on: boolean): void {
  const old = fcntlInt(fd, F_GETFL, 0);
  const want = on ? old | O_NONBLOCK : old & ~O_NONBLOCK;
  if (want !== old) fcntlInt(fd, F_SETFL, want);
}

/**
 * countOpenFds is the number of fds this process has open, read from
 * /proc/self/fd. The fd the listing itself uses shows up in the listing
 * (in Node and in Deno alike) and is not counted.
 *
 * Meant for tests that check for fd leaks; it is not fast.
 */
export function countOpenFds(): number {
  return readdirSync("/proc/self/fd").length - 1;
}

const getrlimitFn = libc.func("int getrlimit(int resource, void *rlim)");
const RLIMIT_NOFILE = 7;
const rlim = new BigUint64Array(2);

/**
 * fdLimit is the most fds this process may have open (RLIMIT_NOFILE's
 * soft limit; getrlimit(2)), for sizing caches of fds. Unlimited reads
 * as 2^31.
 */
export function fdLimit(): number {
  if (getrlimitFn(RLIMIT_NOFILE, rlim) !== 0) throw errnoError("getrlimit");
  return Number(rlim[0] > 0x7fffffffn ? 0x7fffffffn : rlim[0]);
}

/** isOutOfFds tells whether e is a SysError EMFILE or ENFILE. */
export function isOutOfFds(e: unknown): boolean {
  return e instanceof SysError &&
    (e.errno === E.EMFILE || e.errno === E.ENFILE);
}
