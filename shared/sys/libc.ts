/**
 * shared/sys: synchronous Linux system calls through the host C library,
 * for the gofer (which owns the host fds) and for tests.
 *
 * This file is the public export list; import from here, not from the
 * files behind it. Every call blocks the event loop for its duration, as
 * node:fs's *Sync functions do, and throws a SysError carrying the errno
 * on failure. Fds returned are the caller's to close.
 *
 * Files: ffi.ts loads libc; constants.ts holds the flags; fds.ts opens,
 * closes and flags fds; io.ts reads and writes; stat.ts and statfs.ts
 * report attributes; dirents.ts lists directories; names.ts and attrs.ts
 * change the tree; sockets.ts and fdpass.ts carry fds between processes.
 */

export * from "./constants.ts";
export { ARCH, type Arch } from "./ffi.ts";
export {
  close,
  countOpenFds,
  fdLimit,
  getCloexec,
  isOutOfFds,
  openat,
  setCloexec,
  setNonBlocking,
} from "./fds.ts";
export {
  fdatasync,
  fsync,
  ftruncate,
  lseek,
  pread,
  pwrite,
  read,
  write,
} from "./io.ts";
export { fstat, type Statx, statx } from "./stat.ts";
export { fstatfs, type Statfs } from "./statfs.ts";
export { type Dirent, getdents, parseDirents } from "./dirents.ts";
export {
  linkat,
  mkdirat,
  mknodat,
  readlinkat,
  renameat,
  symlinkat,
  unlinkat,
} from "./names.ts";
export {
  fchmod,
  fchmodat,
  fchownat,
  type Timespec,
  utimensat,
} from "./attrs.ts";
export { recvNow, socketpair } from "./sockets.ts";
export {
  type FdMessage,
  MAX_FD_PAYLOAD,
  recvFd,
  sendFd,
} from "./fdpass.ts";
