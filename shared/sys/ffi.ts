/**
 * The one handle on the host C library, and the helpers every wrapper in
 * shared/sys uses to call it and to turn a failure into a SysError.
 *
 * Every call made through this handle is a synchronous koffi call: it
 * blocks the event loop for the length of the system call, exactly like
 * node:fs's *Sync functions. Callers must not use it on anything that can
 * block for long (a FIFO opened without O_NONBLOCK, a blocking socket).
 *
 * Only Linux on x86_64 and arm64 is supported: the flag values and the
 * syscall numbers in constants.ts are those two ABIs'. Loading this module
 * anywhere else throws rather than call the kernel with wrong numbers.
 */

import koffi from "koffi";
import process from "node:process";
import { E, SysError } from "../errno.ts";

/** The architectures whose Linux ABI shared/sys knows. */
export type Arch = "x64" | "arm64";

function hostArch(): Arch {
  const arch = process.arch;
  if (process.platform !== "linux" || (arch !== "x64" && arch !== "arm64")) {
    throw new Error(
      `shared/sys: want linux on x64 or arm64, got ${process.platform} ` +
        `on ${arch}`,
    );
  }
  return arch;
}

/** ARCH is the host architecture, checked once at load. */
export const ARCH: Arch = hostArch();

export { koffi };

/**
 * libc is glibc, loaded by its soname. Functions are bound from it once, at
 * module load, in the file that wraps them.
 */
export const libc = koffi.load("libc.so.6");

/**
 * errnoError builds the SysError for the errno the last libc call left.
 * A call that failed without setting errno (never expected) gives EIO.
 */
export function errnoError(syscall: string): SysError {
  const errno = koffi.errno();
  return new SysError(errno > 0 ? errno : E.EIO, syscall);
}

/** lastErrno is the errno the last libc call left behind. */
export function lastErrno(): number {
  return koffi.errno();
}

/**
 * checkName refuses a name holding a NUL byte with EINVAL.
 *
 * koffi hands a JS string to C as a NUL-terminated copy, so "a\0b" would
 * silently reach the kernel as "a". Linux itself can never see such a name;
 * refusing it here keeps a caller's check from being bypassed by it.
 */
export function checkName(name: string, syscall: string): void {
  if (name.indexOf("\0") !== -1) throw new SysError(E.EINVAL, syscall);
}
