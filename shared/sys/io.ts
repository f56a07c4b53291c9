/**
 * Data I/O on host fds: read, write, seek, truncate, sync.
 *
 * Buffers are the caller's; koffi hands the kernel a pointer into them for
 * the length of the call, so a subarray reads or writes exactly its own
 * window. Short reads and writes are returned, not retried: the count is
 * the caller's to act on. EINTR is retried.
 */

import { E } from "../errno.ts";
import { errnoError, lastErrno, libc } from "./ffi.ts";

const readFn = libc.func("long read(int fd, void *buf, size_t count)");
const writeFn = libc.func("long write(int fd, void *buf, size_t count)");
const preadFn = libc.func(
  "long pread(int fd, void *buf, size_t count, int64_t offset)",
);
const pwriteFn = libc.func(
  "long pwrite(int fd, void *buf, size_t count, int64_t offset)",
);
const lseekFn = libc.func(
  "int64_t lseek(int fd, int64_t offset, int whence)",
);
const ftruncateFn = libc.func("int ftruncate(int fd, int64_t length)");
const fsyncFn = libc.func("int fsync(int fd)");
const fdatasyncFn = libc.func("int fdatasync(int fd)");

function transferred(n: number, syscall: string): number {
  if (n >= 0) return n;
  if (lastErrno() === E.EINTR) return -1;
  throw errnoError(syscall);
}

/**
 * read reads up to buf.length bytes at fd's file offset; Linux read(2).
 * Returns the count read, 0 at end of file.
 *
 * Throws SysError EAGAIN (non-blocking fd with nothing to read), EISDIR,
 * EBADF, EINVAL, EIO.
 */
export function read(fd: number, buf: Uint8Array): number {
  for (;;) {
    const n = transferred(readFn(fd, buf, buf.length), "read");
    if (n >= 0) return n;
  }
}

/**
 * write writes up to buf.length bytes at fd's file offset (the end, under
 * O_APPEND); Linux write(2). Returns the count written.
 *
 * Throws SysError EAGAIN, EBADF, EFBIG, ENOSPC, EDQUOT, EPIPE, EIO.
 */
export function write(fd: number, buf: Uint8Array): number {
  for (;;) {
    const n = transferred(writeFn(fd, buf, buf.length), "write");
    if (n >= 0) return n;
  }
}

/**
 * pread reads up to buf.length bytes at offset without moving fd's file
 * offset; Linux pread64(2). Returns the count read, 0 at or past the end.
 *
 * Throws SysError EISDIR, ESPIPE (a pipe or socket), EINVAL (negative
 * offset), EBADF, EIO.
 */
export function pread(
  fd: number,
  buf: Uint8Array,
  offset: number | bigint,
): number {
  for (;;) {
    const n = transferred(preadFn(fd, buf, buf.length, offset), "pread");
    if (n >= 0) return n;
  }
}

/**
 * pwrite writes up to buf.length bytes at offset without moving fd's file
 * offset; Linux pwrite64(2). Note Linux writes at the end regardless of
 * offset when fd was opened with O_APPEND. Returns the count written.
 *
 * Throws SysError ESPIPE, EINVAL, EFBIG, ENOSPC, EDQUOT, EBADF, EIO.
 */
export function pwrite(
  fd: number,
  buf: Uint8Array,
  offset: number | bigint,
): number {
  for (;;) {
    const n = transferred(pwriteFn(fd, buf, buf.length, offset), "pwrite");
    if (n >= 0) return n;
  }
}

/**
 * lseek moves fd's file offset and returns the new one; Linux lseek(2).
 * On a directory fd, offset 0 with SEEK_SET rewinds getdents.
 *
 * Throws SysError EINVAL (bad whence, or a negative result), ENXIO
 * (SEEK_DATA/SEEK_HOLE past the end), ESPIPE, EOVERFLOW, EBADF.
 */
export function lseek(fd: number, offset: bigint, whence: number): bigint {
  const r = lseekFn(fd, offset, whence);
  if (r < 0) throw errnoError("lseek");
  return BigInt(r);
}

/**
 * ftruncate sets the size of the file open as fd; Linux ftruncate(2).
 *
 * Throws SysError EINVAL (fd not open for writing, or a negative length),
 * EFBIG, EPERM (append-only or immutable file), EBADF, EIO.
 */
export function ftruncate(fd: number, length: number | bigint): void {
  for (;;) {
    if (ftruncateFn(fd, length) === 0) return;
    if (lastErrno() !== E.EINTR) throw errnoError("ftruncate");
  }
}

/**
 * fsync flushes fd's data and metadata to the device; Linux fsync(2).
 *
 * Throws SysError EIO, ENOSPC, EDQUOT, EINVAL (fd does not support sync),
 * EBADF.
 */
export function fsync(fd: number): void {
  if (fsyncFn(fd) < 0) throw errnoError("fsync");
}

/** fdatasync is fsync without metadata not needed to read the data back. */
export function fdatasync(fd: number): void {
  if (fdatasyncFn(fd) < 0) throw errnoError("fdatasync");
}
