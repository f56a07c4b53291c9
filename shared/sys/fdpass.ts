/**
 * Passing one host fd, with a short payload, per datagram over an AF_UNIX
 * SOCK_SEQPACKET socket (SCM_RIGHTS, Linux unix(7)).
 *
 * Ownership: sendFd leaves the fd it sends open; the caller still owns it
 * and closes it when done. The receiver gets a new fd, close-on-exec,
 * which it owns.
 *
 * Each direction has one block of native memory, allocated at load and
 * never freed, holding the msghdr, its iovec, the control buffer and the
 * payload. It lives outside the JS heap because the msghdr holds pointers
 * into it, which must not move. JS runs one call at a time, so one block
 * per direction is enough.
 */

import { E, SysError } from "../errno.ts";
import {
  MSG_CMSG_CLOEXEC,
  MSG_CTRUNC,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  MSG_TRUNC,
  SCM_RIGHTS,
  SOL_SOCKET,
} from "./constants.ts";
import { close } from "./fds.ts";
import { errnoError, koffi, lastErrno, libc } from "./ffi.ts";

const sendmsgFn = libc.func("long sendmsg(int fd, void *msg, int flags)");
const recvmsgFn = libc.func("long recvmsg(int fd, void *msg, int flags)");

/** The largest payload one message carries. */
export const MAX_FD_PAYLOAD = 64;

// Block layout. struct msghdr (56 bytes on 64-bit Linux): name@0,
// namelen@8, iov@16, iovlen@24, control@32, controllen@40, flags@48.
// struct iovec: base@0, len@8. struct cmsghdr: len@0 (size_t), level@8,
// type@12, data@16; CMSG_SPACE(4) = 24 holds one fd.
const MSG = 0;
const IOV = 56;
const CTL = 72;
const CTL_SPACE = 24;
const CMSG_LEN_1FD = 20;
const DATA = CTL + CTL_SPACE;
const BLOCK = DATA + MAX_FD_PAYLOAD;

/** A native block laid out as above, with JS views of it. */
interface Block {
  addr: bigint;
  view: DataView;
  bytes: Uint8Array;
}

function makeBlock(): Block {
  const addr: bigint = koffi.alloc("uint8_t", BLOCK);
  const ab = koffi.view(addr, BLOCK);
  const bytes = new Uint8Array(ab);
  const view = new DataView(ab);
  bytes.fill(0);

  // The pointers never change: the iovec always points at DATA.
  view.setBigUint64(MSG + 16, addr + BigInt(IOV), true);
  view.setBigUint64(MSG + 24, 1n, true);
  view.setBigUint64(IOV, addr + BigInt(DATA), true);
  return { addr, view, bytes };
}

const tx = makeBlock();
const rx = makeBlock();
const txControl = tx.addr + BigInt(CTL);
const rxControl = rx.addr + BigInt(CTL);
tx.view.setBigUint64(CTL, BigInt(CMSG_LEN_1FD), true);
tx.view.setInt32(CTL + 8, SOL_SOCKET, true);
tx.view.setInt32(CTL + 12, SCM_RIGHTS, true);
rx.view.setBigUint64(MSG + 32, rxControl, true);

/**
 * sendFd sends payload, with fd attached as SCM_RIGHTS, as one datagram on
 * the SOCK_SEQPACKET socket sock; Linux sendmsg(2) with MSG_NOSIGNAL. An
 * fd of -1 sends the payload alone. fd stays open and the caller's.
 *
 * Throws SysError EINVAL (payload over MAX_FD_PAYLOAD bytes, or neither a
 * payload nor an fd: the receiver could not tell that from a close),
 * EPIPE (the peer closed), EAGAIN (a non-blocking sock is full), EBADF
 * (a bad sock or fd), ETOOMANYREFS.
 */
export function sendFd(sock: number, fd: number, payload: Uint8Array): void {
  const n = payload.length;
  if (n > MAX_FD_PAYLOAD || (n === 0 && fd < 0)) {
    throw new SysError(E.EINVAL, "sendmsg");
  }
  tx.bytes.set(payload, DATA);
  tx.view.setBigUint64(IOV + 8, BigInt(n), true);
  if (fd >= 0) {
    tx.view.setBigUint64(MSG + 32, txControl, true);
    tx.view.setBigUint64(MSG + 40, BigInt(CTL_SPACE), true);
    tx.view.setInt32(CTL + 16, fd, true);
  } else {
    tx.view.setBigUint64(MSG + 32, 0n, true);
    tx.view.setBigUint64(MSG + 40, 0n, true);
  }
  for (;;) {
    const r = sendmsgFn(sock, tx.addr, MSG_NOSIGNAL);
    if (r === n) return;
    if (r >= 0) throw new SysError(E.EIO, "sendmsg");
    if (lastErrno() !== E.EINTR) throw errnoError("sendmsg");
  }
}

/** One received message: its payload and its fd, or -1 if it had none. */
export interface FdMessage {
  fd: number;
  payload: Uint8Array;
  /**
   * Set when an fd was sent but the kernel could not give it to this
   * process (out of fds: EMFILE): fd is -1 and the fd is lost.
   */
  lost?: true;
}

/**
 * recvFd takes the next datagram off sock without blocking; Linux
 * recvmsg(2) with MSG_DONTWAIT | MSG_CMSG_CLOEXEC. Returns null when
 * nothing is queued. The payload is a copy the caller may keep; the fd,
 * if any, is new, close-on-exec, and the caller's to close.
 *
 * An fd that could not be received for want of fds is reported as lost.
 *
 * Throws SysError ECONNRESET when the peer has closed (an empty datagram
 * without an fd, which sendFd never sends), EBADMSG when the payload was
 * longer than MAX_FD_PAYLOAD or more than one fd came (MSG_TRUNC,
 * MSG_CTRUNC; any fds that did arrive are closed first), and EBADF,
 * ENOTSOCK, EINVAL as recvmsg(2) does.
 */
export function recvFd(sock: number): FdMessage | null {
  const { view } = rx;
  view.setBigUint64(IOV + 8, BigInt(MAX_FD_PAYLOAD), true);
  view.setBigUint64(MSG + 40, BigInt(CTL_SPACE), true);
  view.setInt32(MSG + 48, 0, true);

  // Take one datagram, retrying only an interrupted call.
  let n: number;
  for (;;) {
    n = recvmsgFn(sock, rx.addr, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n >= 0) break;
    const errno = lastErrno();
    if (errno === E.EAGAIN) return null;
    if (errno !== E.EINTR) throw errnoError("recvmsg");
  }

  // Collect the fds the control data carries; more than one is refused.
  const fds = receivedFds(view);
  const flags = view.getInt32(MSG + 48, true) & (MSG_TRUNC | MSG_CTRUNC);
  if (flags === MSG_CTRUNC && fds.length === 0 && n > 0) {
    // The room was there for the one fd: this process had no fd for it.
    return { fd: -1, payload: rx.bytes.slice(DATA, DATA + n), lost: true };
  }
  if (flags !== 0 || fds.length > 1) {
    for (const fd of fds) close(fd);
    throw new SysError(E.EBADMSG, "recvmsg");
  }
  if (n === 0 && fds.length === 0) {
    throw new SysError(E.ECONNRESET, "recvmsg");
  }
  const payload = rx.bytes.slice(DATA, DATA + n);
  return { fd: fds.length === 1 ? fds[0] : -1, payload };
}

const NO_FDS: number[] = [];

/** receivedFds lists the SCM_RIGHTS fds in the control data recvmsg left. */
function receivedFds(view: DataView): number[] {
  const controllen = Number(view.getBigUint64(MSG + 40, true));
  if (controllen < 16) return NO_FDS;
  const len = Math.min(Number(view.getBigUint64(CTL, true)), controllen);
  const level = view.getInt32(CTL + 8, true);
  const type = view.getInt32(CTL + 12, true);
  if (level !== SOL_SOCKET || type !== SCM_RIGHTS || len < 16) return NO_FDS;
  const fds: number[] = [];
  for (let off = 16; off + 4 <= len; off += 4) {
    fds.push(view.getInt32(CTL + off, true));
  }
  return fds;
}
