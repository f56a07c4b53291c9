/**
 * Filesystem statistics through fstatfs(2).
 *
 * struct statfs has the same 120-byte layout on x86_64 and arm64: eleven
 * 8-byte words (f_fsid being two int32s) and four spare ones. One buffer is
 * shared by every call.
 */

import { E } from "../errno.ts";
import { errnoError, lastErrno, libc } from "./ffi.ts";

const fstatfsFn = libc.func("int fstatfs(int fd, void *buf)");

/**
 * What fstatfs reports. Block counts are in units of frsize, which Linux
 * filesystems report equal to bsize.
 */
export interface Statfs {
  /** The filesystem's magic number (TMPFS_MAGIC, EXT4_SUPER_MAGIC...). */
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  /** f_fsid's two int32s, first in the low half. */
  fsid: bigint;
  namelen: number;
  frsize: number;
  /** ST_* mount flags (ST_RDONLY, ST_NOSUID...). */
  flags: number;
}

const buf = new Uint8Array(120);
const view = new DataView(buf.buffer);

/** word reads the 8-byte field at index i as a number. */
function word(i: number): number {
  return Number(view.getBigUint64(i * 8, true));
}

/**
 * fstatfs reports on the filesystem holding the file fd refers to; Linux
 * fstatfs(2). An O_PATH fd works.
 *
 * Counts above 2^53 (never seen in practice) lose precision as numbers.
 *
 * Throws SysError EBADF, EIO, ENOSYS (the filesystem does not support it),
 * EOVERFLOW.
 */
export function fstatfs(fd: number): Statfs {
  for (;;) {
    if (fstatfsFn(fd, buf) === 0) break;
    if (lastErrno() !== E.EINTR) throw errnoError("fstatfs");
  }
  return {
    type: word(0),
    bsize: word(1),
    blocks: word(2),
    bfree: word(3),
    bavail: word(4),
    files: word(5),
    ffree: word(6),
    fsid: view.getBigUint64(56, true),
    namelen: word(8),
    frsize: word(9),
    flags: word(10),
  };
}
