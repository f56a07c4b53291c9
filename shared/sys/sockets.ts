/**
 * Unix socket pairs, the channel between the gofer and the sentry.
 */

import { E } from "../errno.ts";
import { AF_UNIX, MSG_DONTWAIT, SOCK_CLOEXEC } from "./constants.ts";
import { errnoError, lastErrno, libc } from "./ffi.ts";

const socketpairFn = libc.func(
  "int socketpair(int domain, int type, int protocol, void *sv)",
);
const sv = new Int32Array(2);

/**
 * socketpair makes a connected pair of AF_UNIX sockets of type
 * (SOCK_STREAM or SOCK_SEQPACKET, optionally | SOCK_NONBLOCK) and returns
 * their fds; Linux socketpair(2). Both are always SOCK_CLOEXEC: clear the
 * flag (setCloexec) on the one a child process must inherit.
 *
 * Throws SysError EMFILE, ENFILE, EOPNOTSUPP, EINVAL.
 */
export function socketpair(type: number): [number, number] {
  if (socketpairFn(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) {
    throw errnoError("socketpair");
  }
  return [sv[0], sv[1]];
}

const recvFn = libc.func("long recv(int fd, void *buf, size_t n, int flags)");

/**
 * recvNow reads what has arrived on a stream socket without waiting;
 * Linux recv(2) with MSG_DONTWAIT. Returns the count read, 0 when the
 * peer has shut down its end, or -1 when nothing is there yet.
 *
 * Throws SysError EBADF, ENOTSOCK, ECONNRESET.
 */
export function recvNow(fd: number, buf: Uint8Array): number {
  for (;;) {
    const n = recvFn(fd, buf, buf.length, MSG_DONTWAIT);
    if (n >= 0) return n;
    const errno = lastErrno();
    if (errno === E.EAGAIN) return -1;
    if (errno !== E.EINTR) throw errnoError("recv");
  }
}
