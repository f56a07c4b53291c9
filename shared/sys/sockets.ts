/**
 * Unix socket pairs, the channel between the gofer and the sentry.
 */

import { AF_UNIX, SOCK_CLOEXEC } from "./constants.ts";
import { errnoError, libc } from "./ffi.ts";

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
