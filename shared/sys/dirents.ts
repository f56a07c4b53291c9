/**
 * Directory listing through getdents64(2), and the decoder for the
 * linux_dirent64 records it fills a buffer with.
 *
 * getdents64 is called through syscall(2) rather than glibc's wrapper,
 * which older glibc releases lack.
 */

import { E, SysError } from "../errno.ts";
import { SYS_getdents64 } from "./constants.ts";
import { errnoError, lastErrno, libc } from "./ffi.ts";

const syscallFn = libc.func("long syscall(long number, ...)");

/** One linux_dirent64 record. */
export interface Dirent {
  ino: bigint;
  /** The directory offset of the next record (for lseek to resume at). */
  off: bigint;
  /** A DT_* value; DT_UNKNOWN when the filesystem does not say. */
  type: number;
  name: string;
  /**
   * The name's own bytes, NUL-terminated, when they are not UTF-8 (name
   * then holds U+FFFD and names nothing): to stat the entry by.
   */
  raw?: Uint8Array;
}

/**
 * getdents fills buf with linux_dirent64 records read from the directory
 * open as fd, starting at fd's offset, and returns the count of bytes
 * filled; 0 at the end. Decode them with parseDirents.
 *
 * Throws SysError EINVAL (buf too small for the next record), ENOTDIR,
 * ENOENT (the directory was removed), EBADF.
 */
export function getdents(fd: number, buf: Uint8Array): number {
  for (;;) {
    const n = syscallFn(
      SYS_getdents64,
      "int",
      fd,
      "void *",
      buf,
      "size_t",
      buf.length,
    );
    if (n >= 0) return Number(n);
    if (lastErrno() !== E.EINTR) throw errnoError("getdents64");
  }
}

// linux_dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name.
const NAME_OFFSET = 19;

const utf8 = new TextDecoder("utf-8");

/**
 * decodeName turns the name bytes buf[start, end) into a string.
 *
 * Names are bytes to Linux. Valid UTF-8 (ASCII above all) decodes exactly;
 * each invalid sequence becomes U+FFFD, so such a name cannot be opened
 * again through the string it decodes to.
 */
function decodeName(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end));
}

/**
 * parseDirents decodes the first n bytes of buf, as getdents filled it,
 * into records in kernel order, "." and ".." included.
 *
 * Every bound is checked: a record that is shorter than its header, runs
 * past n, or has no NUL-terminated name throws SysError EIO.
 */
export function parseDirents(buf: Uint8Array, n: number): Dirent[] {
  if (n < 0 || n > buf.length) throw new SysError(E.EINVAL, "getdents64");
  const view = new DataView(buf.buffer, buf.byteOffset, n);
  const out: Dirent[] = [];
  let pos = 0;
  while (pos < n) {
    if (n - pos < NAME_OFFSET + 1) throw new SysError(E.EIO, "getdents64");
    const reclen = view.getUint16(pos + 16, true);
    if (reclen < NAME_OFFSET + 1 || reclen > n - pos) {
      throw new SysError(E.EIO, "getdents64");
    }

    // The name ends at its NUL; padding after it fills out reclen.
    const start = pos + NAME_OFFSET;
    const end = buf.indexOf(0, start);
    if (end < 0 || end >= pos + reclen) {
      throw new SysError(E.EIO, "getdents64");
    }
    const name = decodeName(buf, start, end);
    const d: Dirent = {
      ino: view.getBigUint64(pos, true),
      off: view.getBigInt64(pos + 8, true),
      type: buf[pos + 18],
      name,
    };
    if (name.includes("\uFFFD")) d.raw = buf.slice(start, end + 1);
    out.push(d);
    pos += reclen;
  }
  return out;
}
