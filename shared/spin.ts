/**
 * Spinning for the next message instead of sleeping for it.
 *
 * A 9P round trip between two processes that each wait in their event
 * loop pays for two wake-ups. On a 2-vCPU VM a 160-byte echo between two
 * Node processes took 20 µs while the other vCPU was busy and 60 to
 * 95 µs while it was idle (waking a halted vCPU is slow), against about
 * 5 µs when both sides polled with non-blocking recv. So, like gVisor's
 * flipcall, each side spins a little before
 * it sleeps: the sentry right after it sends a request it is waiting on,
 * the gofer right after it answers, when the next request usually
 * follows at once.
 *
 * Reading the socket beside the runtime's own reader is safe only where
 * the runtime hands every chunk it reads to JS at once: Node (libuv
 * calls the stream's data listener from inside its read, so nothing is
 * read and held back while JS runs). Deno's node:net keeps a read in
 * flight that may hold bytes ahead of ours, so under Deno nothing spins.
 */
import { libc } from "./sys/ffi.ts";
import { recvNow } from "./sys/sockets.ts";

const schedYield = libc.func("int sched_yield(void)");

/** Whether this runtime allows reading beside its own reader. */
export const CAN_SPIN = !("Deno" in globalThis);

/** How long the sentry spins for a reply, in µs. */
export const CLIENT_SPIN_US = 60;
/** How long the gofer spins for the next request, in µs. */
export const SERVER_SPIN_US = 150;

/** rawFd gives the fd behind a Node stream socket, or -1. */
export function rawFd(stream: unknown): number {
  const fd = (stream as { _handle?: { fd?: unknown } })._handle?.fd;
  return CAN_SPIN && typeof fd === "number" && fd >= 0 ? fd : -1;
}

/**
 * spinRecv polls fd for up to budgetUs and gives a copy of the bytes
 * that came (a fresh array: framers keep views of what they are given),
 * an empty array at end of stream, or null when nothing came in time.
 * It blocks the event loop for at most the budget, and yields the CPU
 * between polls (sched_yield), so that on a machine with more runnable
 * threads than cores the peer it waits for is not kept off the CPU.
 *
 * Throws SysError from recv: EBADF, ENOTSOCK, ECONNRESET.
 */
export function spinRecv(
  fd: number,
  buf: Uint8Array,
  budgetUs: number,
): Uint8Array | null {
  const end = performance.now() + budgetUs / 1000;
  do {
    const n = recvNow(fd, buf);
    if (n >= 0) return buf.slice(0, n);
    schedYield();
  } while (performance.now() < end);
  return null;
}

/**
 * spinWhile hands take what arrives on fd while more() holds, spinning up
 * to budgetUs for each piece. It stops at the first wait that brings
 * nothing, at end of stream and at an error, all of which the runtime's
 * own reader of the socket sees and reports too.
 */
export function spinWhile(
  fd: number,
  buf: Uint8Array,
  budgetUs: number,
  more: () => boolean,
  take: (chunk: Uint8Array) => void,
): void {
  while (more()) {
    let got: Uint8Array | null;
    try {
      got = spinRecv(fd, buf, budgetUs);
    } catch {
      return;
    }
    if (got === null || got.length === 0) return;
    take(got);
  }
}
