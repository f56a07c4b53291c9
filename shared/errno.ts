/**
 * Linux errno values and the one error type that carries them.
 *
 * Every layer (gofer host calls, the 9P wire, the sentry VFS) speaks in
 * these numbers; only the fs API edge reshapes a SysError into an error that
 * looks like one of Node's own.
 */

/** Linux errno numbers (asm-generic/errno-base.h, errno.h) used here. */
export const E = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENODATA: 61,
  EPROTO: 71,
  EBADMSG: 74,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ECONNRESET: 104,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ESTALE: 116,
  EDQUOT: 122,
  ECANCELED: 125,
} as const;

export type ErrnoName = keyof typeof E;

const NAMES: string[] = [];
for (const [name, n] of Object.entries(E)) NAMES[n] = name;

/** strerror(3) texts, as glibc words them. */
const MESSAGES: Record<number, string> = {
  [E.EPERM]: "operation not permitted",
  [E.ENOENT]: "no such file or directory",
  [E.EIO]: "i/o error",
  [E.EBADF]: "bad file descriptor",
  [E.EAGAIN]: "resource temporarily unavailable",
  [E.ENOMEM]: "cannot allocate memory",
  [E.EACCES]: "permission denied",
  [E.EBUSY]: "resource busy or locked",
  [E.EEXIST]: "file already exists",
  [E.EXDEV]: "cross-device link not permitted",
  [E.ENOTDIR]: "not a directory",
  [E.EISDIR]: "illegal operation on a directory",
  [E.EINVAL]: "invalid argument",
  [E.EMFILE]: "too many open files",
  [E.EFBIG]: "file too large",
  [E.ENOSPC]: "no space left on device",
  [E.ESPIPE]: "invalid seek",
  [E.EROFS]: "read-only file system",
  [E.EMLINK]: "too many links",
  [E.EPIPE]: "broken pipe",
  [E.ERANGE]: "result too large",
  [E.ENAMETOOLONG]: "name too long",
  [E.ENOSYS]: "function not implemented",
  [E.ENOTEMPTY]: "directory not empty",
  [E.ELOOP]: "too many symbolic links encountered",
  [E.ENODATA]: "no data available",
  [E.EPROTO]: "protocol error",
  [E.EBADMSG]: "bad message",
  [E.EOVERFLOW]: "value too large for defined data type",
  [E.EOPNOTSUPP]: "operation not supported on socket",
  [E.ECONNRESET]: "connection reset by peer",
  [E.ENOTCONN]: "socket is not connected",
  [E.ETIMEDOUT]: "connection timed out",
  [E.ESTALE]: "stale file handle",
  [E.ECANCELED]: "operation canceled",
};

/** The largest errno Linux defines; anything above it on the wire is bad. */
export const MAX_ERRNO = 133;

/** errnoName(2) is "ENOENT"; an unknown number gives "E<n>". */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `E${errno}`;
}

/** The lower-case strerror text Node puts in its messages. */
export function errnoMessage(errno: number): string {
  return MESSAGES[errno] ?? `unknown error ${errno}`;
}

/**
 * SysError is a failure that carries a Linux errno.
 *
 * syscall and path are optional context; the fs API fills them in before
 * the error reaches a caller, so it reads like Node's own
 * ("ENOENT: no such file or directory, open '/x'").
 */
export class SysError extends Error {
  readonly errno: number;
  readonly code: string;
  syscall?: string;
  path?: string;
  dest?: string;

  constructor(errno: number, syscall?: string, path?: string, dest?: string) {
    super(formatMessage(errno, syscall, path, dest));
    this.name = "Error";
    this.errno = errno;
    this.code = errnoName(errno);
    this.syscall = syscall;
    this.path = path;
    this.dest = dest;
  }

  /** withContext returns a copy of this error naming syscall and path. */
  withContext(syscall: string, path?: string, dest?: string): SysError {
    return new SysError(this.errno, syscall, path, dest);
  }
}

function formatMessage(
  errno: number,
  syscall?: string,
  path?: string,
  dest?: string,
): string {
  let msg = `${errnoName(errno)}: ${errnoMessage(errno)}`;
  if (syscall) msg += `, ${syscall}`;
  if (path !== undefined) msg += ` '${path}'`;
  if (dest !== undefined) msg += ` -> '${dest}'`;
  return msg;
}

/** isSysError tells whether e carries an errno of ours. */
export function isSysError(e: unknown): e is SysError {
  return e instanceof SysError;
}

/**
 * toErrno maps any thrown value to an errno: SysError keeps its own,
 * anything else (a bug, a host failure we did not expect) becomes EIO.
 */
export function toErrno(e: unknown): number {
  if (e instanceof SysError) return e.errno;
  return E.EIO;
}
