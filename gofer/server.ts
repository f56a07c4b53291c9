/**
 * The gofer's 9P2000.L server loop: frames in, host calls, frames out.
 *
 * Requests are decoded, run one after another under a bounded p-queue
 * (host calls are synchronous, so running them in order costs nothing and
 * keeps replies in order), and answered; any failure becomes an Rlerror
 * with a valid errno. A frame whose header cannot be read, or a size field
 * out of bounds, ends the connection: nothing can be answered to it.
 *
 * Ownership: the Server owns its fid table and every host fd in it, and
 * the donated-fd socket; close() releases all. It does not own rootFd.
 */
import type { Duplex } from "node:stream";
import PQueue from "p-queue";
import { E, toErrno } from "../shared/errno.ts";
import { debug, isDebug, warn } from "../shared/log.ts";
import { decode, encode, msgName } from "../shared/p9/codec.ts";
import { Framer } from "../shared/p9/framer.ts";
import { SERVER_SPIN_US, spinWhile } from "../shared/spin.ts";
import { type Msg, MT, NOTAG } from "../shared/p9/types.ts";
import { FidTable } from "./fids.ts";
import { Handlers } from "./handlers.ts";

export interface ServerOptions {
  /** A SOCK_SEQPACKET socket to donate opened fds on, or -1. */
  fdSocket: number;
  /** Largest msize the gofer agrees to. */
  maxMsize: number;
  /**
   * The client socket's fd, to spin on for the next request after each
   * answer (see shared/spin.ts), or -1 to wait in the event loop only.
   */
  spinFd?: number;
}

/** Requests queued beyond this pause reading from the client. */
const HIGH_WATER = 1024;

export class Server {
  private readonly framer: Framer;
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly fids = new FidTable();
  private readonly handlers: Handlers;
  private paused = false;
  private closed = false;
  private readonly spinFd: number;
  private readonly spinBuf: Uint8Array;
  private finish: (why: string) => void = () => {};
  /** done settles, with the reason, when the connection has ended. */
  readonly done = new Promise<string>((r) => (this.finish = r));

  constructor(
    private readonly stream: Duplex,
    rootFd: number,
    opts: ServerOptions,
  ) {
    this.framer = new Framer(opts.maxMsize);
    this.spinFd = opts.spinFd ?? -1;
    this.spinBuf = new Uint8Array(this.spinFd >= 0 ? 65536 : 0);
    this.handlers = new Handlers(rootFd, this.fids, {
      fdSocket: opts.fdSocket,
      maxMsize: opts.maxMsize,
      spin: this.spinFd >= 0,
      onVersion: (msize) => this.framer.setMaxSize(msize),
    });
    stream.on("data", (chunk: Uint8Array) => this.onData(chunk));
    stream.on("error", (e) => this.close(`stream error: ${e.message}`));
    stream.on("end", () => this.close("client hung up"));
    stream.on("close", () => this.close("stream closed"));
    this.queue.on("next", () => {
      if (this.paused && this.queue.size < HIGH_WATER / 4) {
        this.paused = false;
        this.stream.resume();
      }
    });
  }


  private onData(chunk: Uint8Array): void {
    this.take(chunk);
    if (this.spinFd >= 0) this.spin();
  }

  /** take frames chunk's bytes and answers or queues every request. */
  private take(chunk: Uint8Array): void {
    this.framer.push(chunk);
    for (;;) {
      const f = this.framer.next();
      if (f === null) break;
      if (!(f instanceof Uint8Array)) {
        warn(`bad frame, closing: ${f.error}`);
        return this.close(f.error);
      }
      this.enqueue(f);
    }
    if (!this.paused && this.queue.size >= HIGH_WATER) {
      this.paused = true;
      this.stream.pause();
    }
  }

  /**
   * spin keeps reading the client's socket for a while after the answers
   * are out, and answers what comes at once, as long as requests keep
   * coming and nothing is queued or waiting to be written.
   */
  private spin(): void {
    spinWhile(
      this.spinFd, this.spinBuf, SERVER_SPIN_US,
      () => !this.closed && !this.paused && this.queue.size === 0 &&
        this.queue.pending === 0 && this.stream.writableLength === 0,
      (chunk) => this.take(chunk),
    );
  }

  private enqueue(frame: Uint8Array): void {
    const r = decode(frame);
    if (!r.ok) {
      debug("gofer", `undecodable request: ${r.error}`);
      if (r.tag === undefined) return this.close(r.error);
      this.reply({ type: MT.Rlerror, tag: r.tag, ecode: E.EPROTO });
      return;
    }
    const msg = r.msg;
    // With nothing queued, answer at once; the queue only bounds a
    // backlog (and keeps its replies in order).
    if (this.queue.size === 0 && this.queue.pending === 0) this.run(msg);
    else this.queue.add(() => this.run(msg));
  }

  private run(msg: Msg): void {
    if (this.closed) return;
    let reply: Msg;
    try {
      reply = { ...this.handlers.handle(msg), tag: msg.tag } as Msg;
    } catch (e) {
      const ecode = toErrno(e);
      if (ecode === E.EIO) debug("gofer", `${msgName(msg.type)}: ${e}`);
      reply = { type: MT.Rlerror, tag: msg.tag, ecode };
    }
    this.reply(reply);
  }

  private reply(m: Msg): void {
    if (this.closed) return;
    if (isDebug("wire")) {
      debug("wire", `${msgName(m.type)} tag=${m.tag}`);
    }
    try {
      this.stream.write(encode(m));
    } catch (e) {
      // A reply we cannot encode (a name too long for the wire): the
      // request fails instead.
      const ecode = m.tag === NOTAG ? E.EIO : toErrno(e) || E.EIO;
      this.stream.write(encode({ type: MT.Rlerror, tag: m.tag, ecode }));
    }
  }

  /** close ends the connection and releases every fid. */
  close(why = "closed"): void {
    if (this.closed) return;
    this.closed = true;
    debug("gofer", `connection ends: ${why}`);
    this.queue.clear();
    this.handlers.close();
    this.stream.destroy();
    this.finish(why);
  }
}
