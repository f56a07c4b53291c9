/**
 * File attributes through statx(2), whose struct statx has the same layout
 * on every architecture (include/uapi/linux/stat.h), unlike struct stat.
 *
 * One 256-byte buffer is shared by every call: JS runs one call at a time,
 * and each result is copied out before statx returns.
 */

import { E, SysError } from "../errno.ts";
import {
  AT_EMPTY_PATH,
  STATX_BASIC_STATS,
  STATX_BTIME,
} from "./constants.ts";
import { checkName, errnoError, lastErrno, libc } from "./ffi.ts";

const statxFn = libc.func(
  "int statx(int dirfd, const char *name, int flags, unsigned int mask, " +
    "void *buf)",
);

/** The attributes statx reports, with struct statx's units. */
export interface Statx {
  /** The STATX_* bits the filesystem filled in (btime may be missing). */
  mask: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  ino: bigint;
  size: bigint;
  /** Allocated size in 512-byte units. */
  blocks: bigint;
  blksize: number;
  atimeSec: bigint;
  atimeNsec: number;
  mtimeSec: bigint;
  mtimeNsec: number;
  ctimeSec: bigint;
  ctimeNsec: number;
  /** Birth time; 0 when mask lacks STATX_BTIME. */
  btimeSec: bigint;
  btimeNsec: number;
  rdevMajor: number;
  rdevMinor: number;
  devMajor: number;
  devMinor: number;
}

const buf = new Uint8Array(256);
const view = new DataView(buf.buffer);
const WANT = STATX_BASIC_STATS | STATX_BTIME;

/** decode copies the struct statx in buf into a fresh Statx. */
function decode(): Statx {
  return {
    mask: view.getUint32(0, true),
    blksize: view.getUint32(4, true),
    nlink: view.getUint32(16, true),
    uid: view.getUint32(20, true),
    gid: view.getUint32(24, true),
    mode: view.getUint16(28, true),
    ino: view.getBigUint64(32, true),
    size: view.getBigUint64(40, true),
    blocks: view.getBigUint64(48, true),
    atimeSec: view.getBigInt64(64, true),
    atimeNsec: view.getUint32(72, true),
    btimeSec: view.getBigInt64(80, true),
    btimeNsec: view.getUint32(88, true),
    ctimeSec: view.getBigInt64(96, true),
    ctimeNsec: view.getUint32(104, true),
    mtimeSec: view.getBigInt64(112, true),
    mtimeNsec: view.getUint32(120, true),
    rdevMajor: view.getUint32(128, true),
    rdevMinor: view.getUint32(132, true),
    devMajor: view.getUint32(136, true),
    devMinor: view.getUint32(140, true),
  };
}

/**
 * statx reports the attributes of name relative to dirfd; Linux statx(2)
 * asking for STATX_BASIC_STATS | STATX_BTIME. With AT_SYMLINK_NOFOLLOW a
 * final symlink is reported itself; with AT_EMPTY_PATH and name "" the
 * file dirfd refers to is (an O_PATH fd included). A name given as bytes
 * (a name that is not UTF-8) must end in its one NUL.
 *
 * The struct is little-endian, as on both supported architectures.
 *
 * Throws SysError ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG, EBADF,
 * EINVAL (bad flags, or a name holding NUL), ENOMEM.
 */
export function statx(
  dirfd: number,
  name: string | Uint8Array,
  flags: number,
): Statx {
  if (typeof name === "string") checkName(name, "statx");
  else if (name.indexOf(0) !== name.length - 1) {
    throw new SysError(E.EINVAL, "statx");
  }
  for (;;) {
    if (statxFn(dirfd, name, flags, WANT, buf) === 0) return decode();
    if (lastErrno() !== E.EINTR) throw errnoError("statx");
  }
}

/** fstat reports the attributes of the file fd refers to; fstat(2). */
export function fstat(fd: number): Statx {
  return statx(fd, "", AT_EMPTY_PATH);
}
