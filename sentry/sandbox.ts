/**
 * Sandbox: a VFS whose root is a host directory served by a gofer in a
 * separate process, with the sentry's own /dev mounted over it.
 *
 * openSandbox starts the gofer (ours, or diod) on a socketpair: fd 3 of
 * the child carries 9P2000.L, fd 4 (ours only) a SOCK_SEQPACKET socket
 * that donated host fds arrive on. The sentry process itself opens no
 * host path.
 *
 * Ownership: the Sandbox owns the gofer process, both sockets and the
 * VFS; close() ends them in that order: open files, the connection (the
 * gofer exits when it sees the hang-up), then the process if it lingers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve as resolvePath } from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { freshBundle } from "../bin/fresh.mjs";
import { E, SysError } from "../shared/errno.ts";
import { debug, debugSpec } from "../shared/log.ts";
import {
  CAP_DONATE,
  CAP_LOPEN,
  CAP_READDIRSTAT,
  CAP_SPIN,
  CAP_WALKSTAT,
  obj,
} from "../shared/p9/ext.ts";
import { MT, NOFID } from "../shared/p9/types.ts";
import * as sys from "../shared/sys/libc.ts";
import { SandboxFs } from "./api/fs.ts";
import { DevFs } from "./fs/dev.ts";
import { Client, expect } from "./fs/gofer/client.ts";
import {
  type Conn,
  ExtConn,
  FidAllocator,
  ROOT_FID,
  StdConn,
} from "./fs/gofer/conn.ts";
import { GoferFs } from "./fs/gofer/fs.ts";
import { DentryCache } from "./vfs/dentry.ts";
import type { FileAccess } from "./vfs/mount.ts";
import { VFS } from "./vfs/vfs.ts";

export interface SandboxOptions {
  /** The host directory that becomes the sandbox's "/". */
  root: string;
  /** exclusive (default) trusts the dentry cache; shared revalidates. */
  fileAccess?: FileAccess;
  /** Which 9P2000.L server to run: ours (default) or Debian's diod. */
  gofer?: "builtin" | "diod";
  /** Let our gofer pass open files' host fds (default true). */
  donateFds?: boolean;
  /** Use our extension messages with our gofer (default true). */
  extensions?: boolean;
  /**
   * Spin briefly for replies, and have our gofer spin for requests,
   * instead of only waiting in the event loop (default true; Node only).
   */
  spin?: boolean;
  /** Most dentries kept in the cache. */
  dentryCacheSize?: number;
  /** Mount the sentry's own /dev (default true). */
  dev?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const GOFER_MAIN = resolvePath(here, "../gofer/main.ts");
const DENO_CONFIG = resolvePath(here, "../deno.json");

/** A running sandbox. */
export class Sandbox {
  /** The node:fs/promises-shaped API over the sandbox. */
  readonly fs: SandboxFs;
  private closing = false;

  constructor(
    readonly vfs: VFS,
    private readonly client: Client,
    private readonly child: ChildProcess,
    private fdSocket: number,
    readonly caps: string[],
  ) {
    this.fs = new SandboxFs(vfs);
  }

  /** The gofer's process id. */
  get goferPid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the gofer still answers. */
  get alive(): boolean {
    return this.client.alive && this.child.exitCode === null &&
      this.child.signalCode === null;
  }

  /**
   * onDeath calls fn once when the gofer stops answering: its connection
   * ended or its process exited (not after close()).
   */
  onDeath(fn: () => void): void {
    let called = false;
    const once = () => {
      if (called || this.closing) return;
      called = true;
      fn();
    };
    const prev = this.client.onDead;
    this.client.onDead = (e) => {
      prev?.(e);
      once();
    };
    this.child.once("exit", once);
    if (!this.alive) once();
  }

  /** Why the gofer stopped answering, for messages. */
  get deathReason(): string {
    const c = this.child;
    if (c.signalCode) return `killed by ${c.signalCode}`;
    if (c.exitCode !== null) return `exited with status ${c.exitCode}`;
    return this.client.deathReason ?? "connection lost";
  }

  /**
   * roundTrip sends one Tgetattr of the export root and waits for the
   * reply: the cost of a single request on the wire, for measurement.
   */
  async roundTrip(): Promise<void> {
    expect(await this.client.request({
      type: MT.Tgetattr, fid: ROOT_FID, requestMask: 0x3fffn,
    }), MT.Rgetattr);
  }

  /** 9P requests sent so far, by message name. */
  stats(): Record<string, number> {
    return Object.fromEntries(this.client.counts);
  }

  /** The total of stats(). */
  requestCount(): number {
    let n = 0;
    for (const v of this.client.counts.values()) n += v;
    return n;
  }

  resetStats(): void {
    this.client.resetCounts();
  }

  /** close ends the sandbox and waits for the gofer to exit. */
  async close(): Promise<void> {
    this.closing = true;
    await this.vfs.shutdown();
    this.client.close();
    if (this.fdSocket >= 0) {
      sys.close(this.fdSocket);
      this.fdSocket = -1;
    }
    await waitExit(this.child, 2000);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** runtimeArgv gives the command that runs a .ts file in this runtime. */
export function runtimeArgv(script: string): [string, string[]] {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  if (deno) {
    return [deno.execPath(), [
      "run", "-A", "--quiet", "--config", DENO_CONFIG, script,
    ]];
  }
  // A current bundle of the gofer starts without compiling TypeScript.
  const bundle = script === GOFER_MAIN ? freshBundle("gofer") : null;
  if (bundle) return [process.execPath, [bundle]];
  const tsx = import.meta.resolve("tsx");
  return [process.execPath, ["--import", tsx, script]];
}

/**
 * openSandbox starts a gofer for opts.root and mounts it as "/". It
 * throws SysError ENOENT or ENOTDIR for a bad root, and EIO if the gofer
 * cannot be started or does not answer.
 */
export async function openSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const st = statSync(opts.root, { throwIfNoEntry: false });
  if (!st) throw new SysError(E.ENOENT, "open", opts.root);
  if (!st.isDirectory()) throw new SysError(E.ENOTDIR, "open", opts.root);
  // The gofer gets the real path: diod would export a link as a link.
  const root = realpathSync(opts.root);
  const kind = opts.gofer ?? "builtin";
  const donate = kind === "builtin" && opts.donateFds !== false;

  // The child gets fd 3 (9P stream) and, for donation, fd 4.
  let parentSock = -1;
  let childSock = -1;
  if (donate) {
    [parentSock, childSock] = sys.socketpair(sys.SOCK_SEQPACKET);
    sys.setCloexec(childSock, false);
  }
  let child: ChildProcess;
  try {
    child = spawnGofer(kind, root, childSock, opts.spin !== false);
  } finally {
    if (childSock >= 0) sys.close(childSock);
  }
  const stream = child.stdio[3] as Duplex;
  const client = new Client(stream, { fdSocket: parentSock });
  child.once("exit", (code, sig) => {
    debug("cli", `gofer exited: ${code ?? sig}`);
    client.close();
  });
  child.once("error", () => client.close());

  try {
    return await connect(opts, kind, root, client, child, parentSock);
  } catch (e) {
    client.close();
    if (parentSock >= 0) sys.close(parentSock);
    child.kill("SIGKILL");
    throw e;
  }
}

function spawnGofer(
  kind: string,
  root: string,
  fdSock: number,
  spin: boolean,
) {
  const stdio: (string | number)[] = ["ignore", "ignore", "inherit", "pipe"];
  const env = { ...process.env, SANDBOX_DEBUG: debugSpec() };
  if (kind === "diod") {
    const diod = ["/usr/sbin/diod", "/usr/bin/diod"].find(existsSync);
    if (!diod) throw new SysError(E.ENOENT, "spawn", "diod");
    // diod can crash on hostile input, and it raises its own core limit:
    // run it in the temp dir so no core file lands in the user's cwd.
    return spawn(diod, [
      "-f", "-r", "3", "-w", "3", "-n", "-N", "-e", root, "-L", "/dev/null",
    ], { stdio: stdio as never, env, cwd: tmpdir() });
  }
  if (fdSock >= 0) stdio.push(fdSock);
  const [cmd, args] = runtimeArgv(GOFER_MAIN);
  if (fdSock >= 0) args.push("--fd-socket=4");
  if (!spin) args.push("--no-spin");
  args.push(root);
  return spawn(cmd, args, { stdio: stdio as never, env });
}

async function connect(
  opts: SandboxOptions,
  kind: string,
  root: string,
  client: Client,
  child: ChildProcess,
  fdSocket: number,
): Promise<Sandbox> {
  const v = expect(await client.request({
    type: MT.Tversion, msize: client.msize, version: "9P2000.L",
  }), MT.Rversion);
  if (v.version !== "9P2000.L") throw new SysError(E.EPROTO, "version");
  client.msize = Math.min(client.msize, v.msize);
  const a = expect(await client.request({
    type: MT.Tattach, fid: ROOT_FID, afid: NOFID, uname: "root",
    aname: kind === "diod" ? root : "", nUname: 0,
  }), MT.Rattach);

  // Ask our gofer what it serves; diod gets nothing it did not announce.
  let caps: string[] = [];
  if (kind === "builtin" && opts.extensions !== false) {
    const r = expect(await client.request({
      type: MT.TXcaps,
      body: {
        want: [CAP_WALKSTAT, CAP_READDIRSTAT, CAP_LOPEN, CAP_DONATE, CAP_SPIN],
      },
    }), MT.RXcaps);
    const c = obj(r.body, "RXcaps").caps;
    if (Array.isArray(c)) caps = c.filter((x) => typeof x === "string");
  }

  if (caps.includes(CAP_SPIN)) client.spinForReplies();

  const fids = new FidAllocator();
  const ext = [CAP_WALKSTAT, CAP_READDIRSTAT, CAP_LOPEN]
    .every((c) => caps.includes(c));
  const conn: Conn = ext
    ? new ExtConn(client, caps.includes(CAP_DONATE) && fdSocket >= 0, fids)
    : new StdConn(client, fids);
  const cache = new DentryCache(opts.dentryCacheSize);
  const vfs = new VFS(cache);
  const access = opts.fileAccess ?? "exclusive";
  vfs.mountRoot(new GoferFs(conn, client, cache, access, Number(a.qid.path)));
  if (opts.dev !== false) await vfs.mount("/dev", new DevFs());
  return new Sandbox(vfs, client, child, fdSocket, caps);
}
