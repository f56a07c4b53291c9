/**
 * A raw 9P2000.L client for tests: spawns a server (our gofer or diod) on
 * fd 3, sends frames (well-formed or not) and waits for replies by tag,
 * never longer than a timeout, so a server that stays silent fails the
 * test instead of hanging it.
 *
 * Ownership: a Raw9p owns its child process and the stream to it; close()
 * hangs up, waits for the child to exit and kills it if it lingers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path, { dirname, resolve } from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { decode, encode } from "../shared/p9/codec.ts";
import { Framer } from "../shared/p9/framer.ts";
import {
  type DecodeResult,
  type Msg,
  MT,
  NOFID,
  NOTAG,
  type Qid,
} from "../shared/p9/types.ts";
import { runtimeArgv } from "../sentry/sandbox.ts";

export type ServerKind = "builtin" | "diod";

export const DIOD = "/usr/sbin/diod";
const GOFER_MAIN = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../gofer/main.ts",
);

/** How long rpc waits for a reply unless told otherwise. */
export const REPLY_MS = 3000;

/** A request as tests write it: any message, the tag optional. */
export type Req = Msg extends infer T
  ? T extends Msg ? Omit<T, "tag"> & { tag?: number } : never
  : never;

export interface SpawnOptions {
  kind?: ServerKind;
  /** Extra gofer flags (ours only), before ROOT. */
  args?: string[];
  /** Collect the child's stderr in .stderr instead of inheriting it. */
  captureStderr?: boolean;
  /** Keep a copy of every frame received, in .received. */
  record?: boolean;
}

export interface Exit {
  code: number | null;
  signal: string | null;
}

interface Waiter {
  resolve: (r: DecodeResult) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Raw9p {
  readonly child: ChildProcess;
  readonly kind: ServerKind;
  /** The aname Tattach must carry for this server. */
  readonly aname: string;
  /** The child's stderr, when captured. */
  stderr = "";
  /** Set once the server closed its side of the stream. */
  hungUp = false;
  /** Settles with the child's exit status. */
  readonly exited: Promise<Exit>;
  private readonly stream: Duplex;
  private readonly framer = new Framer(64 << 20);
  private readonly waiters = new Map<number, Waiter>();
  /** Replies that came to a tag nobody waits on. */
  readonly stray: DecodeResult[] = [];
  /** Every frame received, when opts.record was set. */
  readonly received: Uint8Array[] = [];
  private readonly record: boolean;
  private nextTag = 1;
  private nextFid = 100;
  /** diod's working directory, or "". */
  private cwd = "";

  constructor(root: string, opts: SpawnOptions = {}) {
    this.kind = opts.kind ?? "builtin";
    this.aname = this.kind === "diod" ? root : "";
    this.record = opts.record ?? false;
    const err = opts.captureStderr ? "pipe" : "inherit";
    const stdio = ["ignore", "ignore", err, "pipe"] as const;
    if (this.kind === "diod") {
      // diod can crash on hostile input and raises its own core limit:
      // it runs in a directory of its own, removed on close.
      this.cwd = fs.mkdtempSync(path.join(os.tmpdir(), "raw9p-diod-"));
      this.child = spawn(DIOD, [
        "-f", "-r", "3", "-w", "3", "-n", "-N", "-e", root,
        "-L", "/dev/null",
      ], { stdio: stdio as never, cwd: this.cwd });
    } else {
      const [cmd, args] = runtimeArgv(GOFER_MAIN);
      this.child = spawn(cmd, [...args, ...(opts.args ?? []), root], {
        stdio: stdio as never,
      });
    }
    this.child.stderr?.on("data", (c: Uint8Array) => {
      this.stderr += new TextDecoder().decode(c);
    });
    this.exited = new Promise((res) => {
      this.child.once("exit", (code, signal) => res({ code, signal }));
    });
    this.stream = this.child.stdio[3] as Duplex;
    this.stream.on("data", (c: Uint8Array) => this.onData(c));
    this.stream.on("error", () => this.hangUp());
    this.stream.on("end", () => this.hangUp());
    this.stream.on("close", () => this.hangUp());
  }

  /** alive tells whether the server process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** tag gives a fresh tag (never NOTAG). */
  tag(): number {
    const t = this.nextTag;
    this.nextTag = this.nextTag >= 0xfffe ? 1 : this.nextTag + 1;
    return t;
  }

  /** fid gives a fid number this client has not handed out before. */
  fid(): number {
    return this.nextFid++;
  }

  /** writeRaw puts bytes on the wire as they are. */
  writeRaw(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  /** end closes our side of the stream (the server sees a hang-up). */
  end(): void {
    this.stream.end();
  }

  /**
   * rpcRaw writes frame and waits for the reply carrying tag, decoded
   * but not judged. It rejects on timeout or when the server hangs up.
   */
  rpcRaw(frame: Uint8Array, tag: number, ms = REPLY_MS): Promise<DecodeResult> {
    if (this.waiters.has(tag)) throw new Error(`tag ${tag} already waits`);
    return new Promise((resolve, reject) => {
      if (this.hungUp) return reject(new Error("server hung up"));
      const timer = setTimeout(() => {
        this.waiters.delete(tag);
        reject(new Error(`no reply to tag ${tag} within ${ms} ms`));
      }, ms);
      this.waiters.set(tag, { resolve, reject, timer });
      this.stream.write(frame);
    });
  }

  /** rpc sends req (with a fresh tag unless it has one) and decodes. */
  async rpc(req: Req, ms = REPLY_MS): Promise<Msg> {
    const tag = req.tag ?? (req.type === MT.Tversion ? NOTAG : this.tag());
    const r = await this.rpcRaw(encode({ ...req, tag } as Msg), tag, ms);
    if (!r.ok) throw new Error(`malformed reply: ${r.error}`);
    return r.msg;
  }

  /** version negotiates 9P2000.L at msize; gives the server's msize. */
  async version(msize = 65536): Promise<number> {
    const r = await this.rpc({ type: MT.Tversion, msize, version: "9P2000.L" });
    return want(r, MT.Rversion).msize;
  }

  /** attach binds fid to the export root. */
  async attach(fid = 0): Promise<Qid> {
    const r = await this.rpc({
      type: MT.Tattach, fid, afid: NOFID, uname: "root",
      aname: this.aname, nUname: 0,
    });
    return want(r, MT.Rattach).qid;
  }

  /** hello is version then attach of fid 0. */
  async hello(msize = 65536): Promise<number> {
    const m = await this.version(msize);
    await this.attach(0);
    return m;
  }

  /** waitExit gives the exit status, or null if not within ms. */
  waitExit(ms: number): Promise<Exit | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(r, ms, null)));
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  /** close hangs up and makes sure the child is gone. */
  async close(): Promise<void> {
    this.stream.end();
    this.stream.destroy();
    if (!await this.waitExit(2000)) {
      this.child.kill("SIGKILL");
      await this.exited;
    }
    if (this.cwd) fs.rmSync(this.cwd, { recursive: true, force: true });
  }

  private onData(chunk: Uint8Array): void {
    this.framer.push(chunk);
    for (;;) {
      const f = this.framer.next();
      if (f === null) return;
      if (!(f instanceof Uint8Array)) {
        this.failAll(new Error(`bad frame from server: ${f.error}`));
        this.stream.destroy();
        return;
      }
      if (this.record) this.received.push(f.slice());
      const r = decode(f);
      const tag = r.ok ? r.msg.tag : r.tag;
      const w = tag === undefined ? undefined : this.waiters.get(tag);
      if (!w) {
        this.stray.push(r);
        continue;
      }
      this.waiters.delete(tag!);
      clearTimeout(w.timer);
      w.resolve(r);
    }
  }

  private hangUp(): void {
    this.hungUp = true;
    this.failAll(new Error("server hung up"));
  }

  private failAll(e: Error): void {
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer);
      w.reject(e);
    }
    this.waiters.clear();
  }
}

/** want narrows a reply, or throws saying what came instead. */
export function want<T extends Msg["type"]>(
  m: Msg,
  type: T,
): Extract<Msg, { type: T }> {
  if (m.type !== type) {
    const what = m.type === MT.Rlerror
      ? `Rlerror ${(m as { ecode: number }).ecode}`
      : `type ${m.type}`;
    throw new Error(`got ${what}, want type ${type}`);
  }
  return m as Extract<Msg, { type: T }>;
}

/** errnoOf gives an Rlerror's errno, or 0 for any other reply. */
export function errnoOf(m: Msg): number {
  return m.type === MT.Rlerror ? m.ecode : 0;
}

/** withServer runs fn against a fresh server and always closes it. */
export async function withServer<T>(
  root: string,
  opts: SpawnOptions,
  fn: (s: Raw9p) => Promise<T>,
): Promise<T> {
  const s = new Raw9p(root, opts);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
