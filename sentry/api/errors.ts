/**
 * Errors at the fs API edge, shaped like Node's own: code "ENOENT",
 * errno -2 (Node's sign), syscall, path, and the message
 * "ENOENT: no such file or directory, stat '/x'".
 */
import { errnoMessage, errnoName, SysError } from "../../shared/errno.ts";

export class FsError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  // Declared, not defined: like Node's, an error has no path or dest
  // key at all when there is none.
  declare readonly path?: string;
  declare readonly dest?: string;

  constructor(errno: number, syscall: string, path?: string, dest?: string) {
    let msg = `${errnoName(errno)}: ${errnoMessage(errno)}, ${syscall}`;
    if (path !== undefined) msg += ` '${path}'`;
    if (dest !== undefined) msg += ` -> '${dest}'`;
    super(msg);
    this.code = errnoName(errno);
    this.errno = -errno;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
    if (dest !== undefined) this.dest = dest;
  }
}

/** shape turns a SysError into an FsError; anything else passes. */
export function shape(
  e: unknown,
  syscall: string,
  path?: string,
  dest?: string,
): unknown {
  if (e instanceof SysError) return new FsError(e.errno, syscall, path, dest);
  return e;
}

/** edge runs fn and rethrows its SysError shaped like Node's. */
export async function edge<T>(
  syscall: string,
  path: string | undefined,
  fn: () => Promise<T>,
  dest?: string,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw shape(e, syscall, path, dest);
  }
}
