/**
 * The sentry's side of the 9P2000.L wire: tags, outstanding requests,
 * counters, and the donated fds that arrive beside the replies.
 *
 * Ownership: the Client owns its stream (closing it on close()) and every
 * donated fd it received and has not yet handed to a caller through
 * takeFd(). Requests are bounded: at most maxOutstanding are on the wire,
 * the rest wait in a p-queue. A reply the decoder rejects, a tag nobody
 * asked about or an errno out of Linux's range ends the connection with
 * EPROTO for everyone waiting; a dead gofer ends it with EIO. Nothing the
 * peer sends can make a request wait forever.
 */
import type { Duplex } from "node:stream";
import PQueue from "p-queue";
import { E, MAX_ERRNO, SysError } from "../../../shared/errno.ts";
import { debug, isDebug } from "../../../shared/log.ts";
import { decode, encode, msgName } from "../../../shared/p9/codec.ts";
import { Framer } from "../../../shared/p9/framer.ts";
import { MT, type Msg, NOTAG } from "../../../shared/p9/types.ts";
import { CLIENT_SPIN_US, rawFd, spinWhile } from "../../../shared/spin.ts";
import { close as closeFd, recvFd } from "../../../shared/sys/libc.ts";

/** A request as a caller gives it: any message but the tag. */
export type Request = Msg extends infer T
  ? T extends Msg ? Omit<T, "tag"> : never
  : never;

interface Pending {
  type: number;
  resolve: (m: Msg) => void;
  reject: (e: Error) => void;
}

export interface ClientOptions {
  /** The SOCK_SEQPACKET socket donated fds arrive on, if any. */
  fdSocket?: number;
  /** Largest frame to offer in Tversion. */
  msize?: number;
  maxOutstanding?: number;
}

export class Client {
  /** Requests sent, by message name ("Twalk": 3). */
  readonly counts = new Map<string, number>();
  msize: number;
  private readonly stream: Duplex;
  private readonly framer: Framer;
  private readonly pending = new Map<number, Pending>();
  private readonly freeTags: number[] = [];
  private nextTag = 0;
  private readonly queue: PQueue;
  private readonly maxOutstanding: number;
  private dead: SysError | null = null;
  private readonly fdSocket: number;
  /** The stream's fd, to spin on for replies (shared/spin.ts), or -1. */
  private spinFd = -1;
  private spinBuf = new Uint8Array(0);
  /** Donated fds received ahead of their reply, by "tag" key. */
  private readonly fds = new Map<number, number[]>();
  /** Keys whose fd the kernel could not give this process (EMFILE). */
  private readonly lostFds = new Set<number>();
  /** Called once when the connection ends, with the reason. */
  onDead?: (e: SysError) => void;

  constructor(stream: Duplex, opts: ClientOptions = {}) {
    this.stream = stream;
    this.msize = opts.msize ?? 1 << 20;
    this.framer = new Framer(this.msize + 4096);
    this.fdSocket = opts.fdSocket ?? -1;
    this.maxOutstanding = opts.maxOutstanding ?? 64;
    this.queue = new PQueue({ concurrency: this.maxOutstanding });
    stream.on("data", (chunk: Uint8Array) => this.onData(chunk));
    stream.on("error", (e) => this.fail(E.EIO, `gofer stream: ${e.message}`));
    stream.on("close", () => this.fail(E.EIO, "gofer closed the connection"));
  }

  /**
   * spinForReplies makes a request that is alone on the wire spin for its
   * reply before it waits in the event loop; only for a server that
   * spins too (CAP_SPIN), and only where the runtime allows it. Gives
   * whether spinning is on.
   */
  spinForReplies(): boolean {
    this.spinFd = rawFd(this.stream);
    if (this.spinFd >= 0) this.spinBuf = new Uint8Array(65536);
    return this.spinFd >= 0;
  }

  /** Why the connection ended, if it has. */
  get deathReason(): string | undefined {
    return this.dead?.message;
  }

  /** Whether the connection still works. */
  get alive(): boolean {
    return this.dead === null;
  }

  /**
   * request sends one message and waits for its reply. An Rlerror reply
   * is thrown as SysError with its errno; any other reply is returned
   * whatever its type, for the caller to check with expect().
   */
  request(req: Request): Promise<Msg> {
    if (this.dead) return Promise.reject(this.dead);
    // Below the bound nothing waits: skip the queue's bookkeeping.
    if (this.pending.size < this.maxOutstanding && this.queue.size === 0) {
      return this.send(req);
    }
    return this.queue.add(() => this.send(req)) as Promise<Msg>;
  }

  private send(req: Request): Promise<Msg> {
    if (this.dead) return Promise.reject(this.dead);
    const tag = req.type === MT.Tversion ? NOTAG : this.allocTag();
    const msg = { ...req, tag } as Msg;
    const frame = encode(msg);
    const name = msgName(req.type);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (isDebug("wire")) debug("wire", `-> ${describe(msg)}`);
    const reply = new Promise<Msg>((resolve, reject) => {
      this.pending.set(tag, { type: req.type, resolve, reject });
      this.stream.write(frame);
    });
    if (this.spinFd >= 0 && this.pending.size === 1) this.spin(tag);
    return reply;
  }

  /**
   * spin reads the stream's socket for up to CLIENT_SPIN_US while tag's
   * reply is due and alone, so that nothing but that reply can come, and
   * the runtime's reader holds nothing back (its buffers are empty).
   */
  private spin(tag: number): void {
    spinWhile(
      this.spinFd, this.spinBuf, CLIENT_SPIN_US,
      () => this.pending.has(tag) && this.pending.size === 1 &&
        this.stream.writableLength === 0 && this.stream.readableLength === 0,
      (chunk) => this.onData(chunk),
    );
  }

  private allocTag(): number {
    const t = this.freeTags.pop();
    if (t !== undefined) return t;
    if (this.nextTag >= NOTAG) throw new SysError(E.EAGAIN);
    return this.nextTag++;
  }

  private onData(chunk: Uint8Array): void {
    this.framer.push(chunk);
    for (;;) {
      const f = this.framer.next();
      if (f === null) return;
      if (!(f instanceof Uint8Array)) {
        return this.fail(E.EPROTO, `bad frame from gofer: ${f.error}`);
      }
      const r = decode(f);
      if (!r.ok) {
        return this.fail(E.EPROTO, `bad reply from gofer: ${r.error}`);
      }
      if (!this.deliver(r.msg)) return;
    }
  }

  private deliver(msg: Msg): boolean {
    const p = this.pending.get(msg.tag);
    if (!p) {
      this.fail(E.EPROTO, `reply to unknown tag ${msg.tag}`);
      return false;
    }
    if (isDebug("wire")) debug("wire", `<- ${describe(msg)}`);
    this.pending.delete(msg.tag);
    if (msg.tag !== NOTAG) this.freeTags.push(msg.tag);
    if (msg.type === MT.Rlerror) {
      const errno = msg.ecode;
      if (errno <= 0 || errno > MAX_ERRNO) {
        this.fail(E.EPROTO, `errno ${errno} out of range`);
        return false;
      }
      p.reject(new SysError(errno));
      return true;
    }
    if (msg.type !== p.type + 1) {
      p.reject(new SysError(E.EPROTO));
      return true;
    }
    p.resolve(msg);
    return true;
  }

  /**
   * takeFd gives the fd the gofer donated with the request that got tag's
   * reply, or -1 if it sent none. The caller owns the fd. Throws SysError
   * EMFILE when the fd came but this process had no room for it.
   */
  takeFd(key: number): number {
    this.drainFds();
    const list = this.fds.get(key);
    const fd = list?.shift();
    if (list && list.length === 0) this.fds.delete(key);
    if (fd === undefined && this.lostFds.delete(key)) {
      throw new SysError(E.EMFILE);
    }
    return fd ?? -1;
  }

  private drainFds(): void {
    if (this.fdSocket < 0) return;
    for (;;) {
      let got;
      try {
        got = recvFd(this.fdSocket);
      } catch (e) {
        // The gofer's end is gone; the stream will say so too.
        debug("fd", `fd socket: ${(e as Error).message}`);
        return;
      }
      if (!got) return;
      const view = new DataView(
        got.payload.buffer,
        got.payload.byteOffset,
        got.payload.byteLength,
      );
      const key = got.payload.byteLength >= 4 ? view.getUint32(0, true) : 0;
      if (got.lost) this.lostFds.add(key);
      if (got.fd < 0) continue;
      const list = this.fds.get(key);
      if (list) list.push(got.fd);
      else this.fds.set(key, [got.fd]);
      if (isDebug("fd")) debug("fd", `received fd ${got.fd} for ${key}`);
    }
  }

  private fail(errno: number, why: string): void {
    if (this.dead) return;
    this.dead = new SysError(errno);
    this.dead.message = `${this.dead.code}: ${why}`;
    debug("wire", `connection ends: ${why}`);
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
    // Requests still queued are left to run: each fails at once in send().
    this.stream.destroy();
    for (const list of this.fds.values()) list.forEach((fd) => closeFd(fd));
    this.fds.clear();
    this.onDead?.(this.dead);
  }

  /** close ends the connection; requests still waiting fail with EIO. */
  close(): void {
    this.fail(E.EIO, "closed");
  }

  /** resetCounts zeroes the request counters. */
  resetCounts(): void {
    this.counts.clear();
  }
}

/** expect narrows a reply to the type a request wants, or EPROTO. */
export function expect<T extends Msg["type"]>(
  m: Msg,
  type: T,
): Extract<Msg, { type: T }> {
  if (m.type !== type) throw new SysError(E.EPROTO);
  return m as Extract<Msg, { type: T }>;
}

function describe(m: Msg): string {
  const fields = Object.entries(m)
    .filter(([k]) => k !== "type" && k !== "tag")
    .map(([k, v]) => `${k}=${short(v)}`);
  return `${msgName(m.type)} tag=${m.tag} ${fields.join(" ")}`;
}

function short(v: unknown): string {
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === "bigint") return v.toString();
  const s = JSON.stringify(v, (_k, x) =>
    typeof x === "bigint" ? x.toString() : x);
  return s && s.length > 120 ? s.slice(0, 117) + "..." : String(s);
}
