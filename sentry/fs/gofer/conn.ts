/**
 * Path-level operations on a 9P2000.L server, in two dialects.
 *
 * The gofer filesystem asks for things by the names from the export's
 * root; a Conn turns that into wire traffic:
 *  - ExtConn speaks our extensions to a gofer that announced them: every
 *    operation is one round trip however deep the path, and an opened
 *    regular file comes back as a donated host fd.
 *  - StdConn speaks plain 9P2000.L (diod, or any other server): Twalk to
 *    a fresh fid, the operation, Tclunk; file data moves in Tread.
 *
 * Ownership: a Conn owns the fids it makes and clunks each before the
 * operation's promise settles, except an open file's, which the returned
 * FileImpl owns until close().
 */
import { E, SysError } from "../../../shared/errno.ts";
import {
  num,
  obj,
  proto,
  tupleToAttr,
  type WireAttr,
} from "../../../shared/p9/ext.ts";
import { decodeDirents } from "../../../shared/p9/dirent.ts";
import { MAXWELEM, MT, type Qid } from "../../../shared/p9/types.ts";
import type { Attr, DirEntry, StatFs } from "../../vfs/attr.ts";
import { S_IFDIR, S_IFLNK, S_IFREG } from "../../vfs/attr.ts";
import type { FileImpl } from "../../vfs/filesystem.ts";
import { type Client, expect } from "./client.ts";
import { DonatedFile, FidFile, HostFd } from "./file.ts";

/** One name walked: its type and inode, with attributes where known. */
export interface Step {
  ino: number;
  /** S_IFMT bits; S_IFREG may stand for "not a dir or link" (StdConn). */
  ftype: number;
  attr?: Attr;
  target?: string;
}

export interface WalkReply {
  steps: Step[];
  errno: number;
}

export interface Conn {
  /** Whether walk() gives every step's attributes (and link targets). */
  readonly walkGivesAttrs: boolean;
  walk(names: string[]): Promise<WalkReply>;
  getattr(names: string[]): Promise<Attr>;
  readlink(names: string[]): Promise<string>;
  /** Lists a directory; stat false may leave out the attributes. */
  readdir(names: string[], stat?: boolean): Promise<DirEntry[]>;
  open(names: string[], flags: number): Promise<FileImpl>;
  statfs(): Promise<StatFs>;
}

/** The fid the export root is attached as. */
export const ROOT_FID = 0;

const O_DIRECTORY = 0o200000;

export function wireToAttr(w: WireAttr): Attr {
  return {
    dev: w.dev, ino: w.ino, mode: w.mode, nlink: w.nlink, uid: w.uid,
    gid: w.gid, rdev: w.rdev, size: w.size, blksize: w.blksize,
    blocks: w.blocks, atimeSec: w.atimeSec, atimeNsec: w.atimeNsec,
    mtimeSec: w.mtimeSec, mtimeNsec: w.mtimeNsec, ctimeSec: w.ctimeSec,
    ctimeNsec: w.ctimeNsec, btimeSec: w.btimeSec, btimeNsec: w.btimeNsec,
  };
}

function stepOf(t: unknown): Step {
  const w = tupleToAttr(t);
  return { ino: w.ino, ftype: w.mode & 0o170000, attr: wireToAttr(w),
    target: w.target };
}

/** ExtConn: one round trip per operation, through our extensions. */
export class ExtConn implements Conn {
  readonly walkGivesAttrs = true;
  private nextKey = 1;

  constructor(
    private readonly client: Client,
    private readonly donate: boolean,
    private readonly fids: FidAllocator,
  ) {}

  async walk(names: string[]): Promise<WalkReply> {
    const r = await this.client.request({
      type: MT.TXwalkstat,
      body: { fid: ROOT_FID, names },
    });
    const b = obj(expect(r, MT.RXwalkstat).body, "RXwalkstat");
    if (!Array.isArray(b.steps) || b.steps.length > names.length) {
      throw proto("RXwalkstat steps");
    }
    const errno = num(b.errno, "RXwalkstat errno");
    return { steps: b.steps.map(stepOf), errno };
  }

  async getattr(names: string[]): Promise<Attr> {
    const w = await this.walk(names);
    if (w.steps.length < names.length) throw walkError(w);
    if (names.length === 0) return this.rootAttr();
    return w.steps[w.steps.length - 1].attr!;
  }

  private async rootAttr(): Promise<Attr> {
    const r = await this.client.request({
      type: MT.Tgetattr, fid: ROOT_FID, requestMask: 0x3fffn,
    });
    return rgetattrToAttr(expect(r, MT.Rgetattr));
  }

  async readlink(names: string[]): Promise<string> {
    const w = await this.walk(names);
    if (w.steps.length < names.length) throw walkError(w);
    const t = w.steps[w.steps.length - 1]?.target;
    if (t === undefined) throw new SysError(E.EINVAL);
    return t;
  }

  async readdir(names: string[], stat = true): Promise<DirEntry[]> {
    const out: DirEntry[] = [];
    let offset = "0";
    for (;;) {
      const r = await this.client.request({
        type: MT.TXreaddirstat,
        body: { fid: ROOT_FID, names, offset, count: 4096, stat },
      });
      const b = obj(expect(r, MT.RXreaddirstat).body, "RXreaddirstat");
      if (!Array.isArray(b.entries)) throw proto("RXreaddirstat entries");
      for (const e of b.entries) {
        if (!Array.isArray(e) || typeof e[0] !== "string") {
          throw proto("RXreaddirstat entry");
        }
        if (!stat) {
          out.push({ name: e[0], ino: num(e[1], "ino"),
            type: num(e[2], "type") & 0o170000 });
          continue;
        }
        const w = tupleToAttr(e[1]);
        out.push({ name: e[0], ino: w.ino, type: w.mode & 0o170000,
          attr: wireToAttr(w) });
      }
      if (b.next === null) return out;
      if (typeof b.next !== "string" || b.next === offset) {
        throw proto("RXreaddirstat next");
      }
      offset = b.next;
    }
  }

  async open(names: string[], flags: number): Promise<FileImpl> {
    const key = this.nextKey++ >>> 0;
    const newfid = this.donate ? 0xffffffff : this.fids.alloc();
    const r = await this.client.request({
      type: MT.TXlopen,
      body: { fid: ROOT_FID, names, flags, newfid, key,
        donate: this.donate },
    }).catch((e) => {
      if (!this.donate) this.fids.free(newfid);
      throw e;
    });
    const b = obj(expect(r, MT.RXlopen).body, "RXlopen");
    const attr = wireToAttr(tupleToAttr(b.attr));
    if (b.donated === true) {
      const fd = this.client.takeFd(key);
      if (fd < 0) throw proto("RXlopen said donated but no fd came");
      return new DonatedFile(new HostFd(fd), attr);
    }
    if (this.donate) throw proto("RXlopen without fd");
    return new FidFile(this.client, newfid, attr, this.fids);
  }

  statfs(): Promise<StatFs> {
    return statfs(this.client);
  }
}

/** StdConn: plain 9P2000.L, for servers without our extensions. */
export class StdConn implements Conn {
  readonly walkGivesAttrs = false;

  constructor(
    private readonly client: Client,
    private readonly fids: FidAllocator,
  ) {}

  /**
   * walk sends Twalk in runs of 16 names to a scratch fid. A server that
   * resolves symlinks itself (diod walks host paths) may walk past a
   * link; steps after one are discarded, so the sentry resolves it.
   */
  async walk(names: string[]): Promise<WalkReply> {
    const { fid, qids, errno } = await this.walkFid(names);
    if (fid >= 0) await this.clunk(fid);
    const steps: Step[] = [];
    for (const q of qids) {
      steps.push({ ino: Number(q.path), ftype: qidFtype(q) });
      if (!(q.type & 0x80)) break;
    }
    return { steps, errno: steps.length < qids.length ? 0 : errno };
  }

  /** walkFid walks to a new fid; fid is -1 unless every name was walked. */
  async walkFid(
    names: string[],
  ): Promise<{ fid: number; qids: Qid[]; errno: number }> {
    const fid = this.fids.alloc();
    const qids: Qid[] = [];
    let from = ROOT_FID;
    let i = 0;
    do {
      const chunk = names.slice(i, i + MAXWELEM);
      let got: Qid[];
      try {
        const r = await this.client.request({
          type: MT.Twalk, fid: from, newfid: fid, names: chunk,
        });
        got = expect(r, MT.Rwalk).qids;
      } catch (e) {
        if (from === fid) await this.clunk(fid);
        else this.fids.free(fid);
        if (!(e instanceof SysError) || !this.client.alive) throw e;
        return { fid: -1, qids, errno: e.errno };
      }
      qids.push(...got);
      if (got.length < chunk.length) {
        if (from === fid) await this.clunk(fid);
        else this.fids.free(fid);
        return { fid: -1, qids, errno: E.ENOENT };
      }
      from = fid;
      i += MAXWELEM;
    } while (i < names.length);
    return { fid, qids, errno: 0 };
  }

  private async withFid<T>(
    names: string[],
    fn: (fid: number) => Promise<T>,
  ): Promise<T> {
    const w = await this.walkFid(names);
    if (w.fid < 0) throw new SysError(w.errno || E.ENOENT);
    try {
      return await fn(w.fid);
    } finally {
      await this.clunk(w.fid);
    }
  }

  getattr(names: string[]): Promise<Attr> {
    return this.withFid(names, async (fid) => {
      const r = await this.client.request({
        type: MT.Tgetattr, fid, requestMask: 0x3fffn,
      });
      return rgetattrToAttr(expect(r, MT.Rgetattr));
    });
  }

  readlink(names: string[]): Promise<string> {
    return this.withFid(names, async (fid) => {
      const r = await this.client.request({ type: MT.Treadlink, fid });
      return expect(r, MT.Rreadlink).target;
    });
  }

  readdir(names: string[]): Promise<DirEntry[]> {
    return this.withFid(names, async (fid) => {
      await this.client.request({
        type: MT.Tlopen, fid, flags: O_DIRECTORY,
      });
      const out: DirEntry[] = [];
      let offset = 0n;
      for (;;) {
        const r = await this.client.request({
          type: MT.Treaddir, fid, offset, count: this.client.msize - 24,
        });
        const d = decodeDirents(expect(r, MT.Rreaddir).data);
        if (!d.ok) throw proto(`Rreaddir: ${d.error}`);
        if (d.dirents.length === 0) return out;
        for (const e of d.dirents) {
          offset = e.offset;
          if (e.name === "." || e.name === "..") continue;
          out.push({ name: e.name, ino: Number(e.qid.path),
            type: (e.type & 0xf) << 12 });
        }
      }
    });
  }

  async open(names: string[], flags: number): Promise<FileImpl> {
    const w = await this.walkFid(names);
    if (w.fid < 0) throw new SysError(w.errno || E.ENOENT);
    try {
      await this.client.request({ type: MT.Tlopen, fid: w.fid, flags });
      const r = await this.client.request({
        type: MT.Tgetattr, fid: w.fid, requestMask: 0x3fffn,
      });
      const attr = rgetattrToAttr(expect(r, MT.Rgetattr));
      return new FidFile(this.client, w.fid, attr, this.fids);
    } catch (e) {
      await this.clunk(w.fid);
      throw e;
    }
  }

  statfs(): Promise<StatFs> {
    return statfs(this.client);
  }

  private async clunk(fid: number): Promise<void> {
    await this.client.request({ type: MT.Tclunk, fid }).catch(() => {});
    this.fids.free(fid);
  }
}

/** FidAllocator hands out fid numbers; ROOT_FID is never handed out. */
export class FidAllocator {
  private next = ROOT_FID + 1;
  private readonly free_: number[] = [];

  alloc(): number {
    return this.free_.pop() ?? this.next++;
  }

  free(fid: number): void {
    this.free_.push(fid);
  }
}

function qidFtype(q: Qid): number {
  if (q.type & 0x80) return S_IFDIR;
  if (q.type & 0x02) return S_IFLNK;
  return S_IFREG;
}

function walkError(w: WalkReply): SysError {
  return new SysError(w.errno || E.ENOTDIR);
}

export function rgetattrToAttr(
  r: Extract<import("../../../shared/p9/types.ts").Msg, { type: 25 }>,
): Attr {
  return {
    dev: 0, ino: Number(r.qid.path), mode: r.mode, nlink: Number(r.nlink),
    uid: r.uid, gid: r.gid, rdev: Number(r.rdev), size: Number(r.size),
    blksize: Number(r.blksize), blocks: Number(r.blocks),
    atimeSec: Number(r.atimeSec), atimeNsec: Number(r.atimeNsec),
    mtimeSec: Number(r.mtimeSec), mtimeNsec: Number(r.mtimeNsec),
    ctimeSec: Number(r.ctimeSec), ctimeNsec: Number(r.ctimeNsec),
    btimeSec: Number(r.btimeSec), btimeNsec: Number(r.btimeNsec),
  };
}

async function statfs(client: Client): Promise<StatFs> {
  const r = expect(
    await client.request({ type: MT.Tstatfs, fid: ROOT_FID }),
    MT.Rstatfs,
  );
  return {
    type: r.fstype, bsize: r.bsize, blocks: Number(r.blocks),
    bfree: Number(r.bfree), bavail: Number(r.bavail),
    files: Number(r.files), ffree: Number(r.ffree), namelen: r.namelen,
  };
}

