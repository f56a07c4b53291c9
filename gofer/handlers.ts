/**
 * What the gofer does for each request: the 9P2000.L read path, our
 * extensions, and EROFS for every change (this gofer serves read-only).
 *
 * Each handler runs host calls synchronously and returns the reply
 * without its tag; a failure is thrown as SysError and becomes Rlerror.
 * Handlers own the fds they open until they put them in the fid table or
 * close them; every path through a handler does one or the other.
 */
import { E, SysError } from "../shared/errno.ts";
import { debug, isDebug } from "../shared/log.ts";
import { direntSize, encodeDirents } from "../shared/p9/dirent.ts";
import {
  attrToTuple,
  bool,
  CAP_DONATE,
  CAP_LOPEN,
  CAP_READDIRSTAT,
  CAP_SPIN,
  CAP_WALKSTAT,
  names as checkNames,
  num,
  obj,
  proto,
  statxToWire,
} from "../shared/p9/ext.ts";
import type { Dirent, Msg, MsgOf, Qid } from "../shared/p9/types.ts";
import { MAXWELEM, MT } from "../shared/p9/types.ts";
import * as sys from "../shared/sys/libc.ts";
import { type Fid, FidTable } from "./fids.ts";
import { DirCache } from "./dircache.ts";
import {
  checkName,
  dup,
  openPath,
  reopen,
  statFd,
  walkOne,
} from "./host.ts";

/** A reply without its tag. */
type Reply = { type: number; [field: string]: unknown };

export interface HandlerOptions {
  fdSocket: number;
  maxMsize: number;
  /** Whether the server spins for requests (announced as CAP_SPIN). */
  spin?: boolean;
  onVersion: (msize: number) => void;
}

const DIRENT_BUF = new Uint8Array(64 * 1024);
const payload = new Uint8Array(4);
const payloadView = new DataView(payload.buffer);

export class Handlers {
  private msize = 8192;
  /** Directory fds walked through, for walks that come again. */
  private readonly dirs = new DirCache();
  private versioned = false;

  constructor(
    private readonly rootFd: number,
    private readonly fids: FidTable,
    private readonly opts: HandlerOptions,
  ) {}

  /**
   * handle answers one request. Out of fds, it lets go of the directory
   * fds it keeps and tries once more: requests change nothing on the
   * host before their last fd is opened, so a retry is safe.
   */
  handle(m: Msg): Reply {
    try {
      return this.answer(m);
    } catch (e) {
      if (!sys.isOutOfFds(e) || this.dirs.size === 0) throw e;
      debug("gofer", `out of fds: letting ${this.dirs.size} dir fds go`);
      this.dirs.clear();
      return this.answer(m);
    }
  }

  private answer(m: Msg): Reply {
    if (m.type !== MT.Tversion && !this.versioned) {
      throw new SysError(E.EPROTO);
    }
    switch (m.type) {
      case MT.Tversion: return this.version(m);
      // No authentication: answered as diod answers it when it needs
      // none, which diod's own clients (diodcat, diodls) take to mean
      // "attach without an afid".
      case MT.Tauth: throw new SysError(E.ENOENT);
      case MT.Tattach: return this.attach(m);
      case MT.Tflush: return { type: MT.Rflush };
      case MT.Twalk: return this.walk(m);
      case MT.Tgetattr: return this.getattr(m);
      case MT.Tlopen: return this.lopen(m);
      case MT.Tread: return this.read(m);
      case MT.Treaddir: return this.readdir(m);
      case MT.Treadlink:
        return { type: MT.Rreadlink, target: this.readlink(m.fid) };
      case MT.Tstatfs: return this.statfs(m.fid);
      case MT.Tclunk:
        this.fids.clunk(m.fid);
        return { type: MT.Rclunk };
      case MT.Tremove:
        this.fids.clunk(m.fid);
        throw new SysError(E.EROFS);
      case MT.Tfsync:
        this.fids.get(m.fid);
        return { type: MT.Rfsync };
      case MT.Tlock:
        this.fids.get(m.fid);
        return { type: MT.Rlock, status: 0 };
      case MT.Tgetlock:
        this.fids.get(m.fid);
        return { ...m, type: MT.Rgetlock, lockType: 2 };
      case MT.Txattrwalk:
        this.fids.get(m.fid);
        throw new SysError(E.ENODATA);
      case MT.Tlcreate: case MT.Tsymlink: case MT.Tmknod: case MT.Trename:
      case MT.Tsetattr: case MT.Txattrcreate: case MT.Tlink: case MT.Tmkdir:
      case MT.Trenameat: case MT.Tunlinkat: case MT.Twrite:
        throw new SysError(E.EROFS);
      case MT.TXcaps: return this.caps();
      case MT.TXwalkstat: return this.walkstat(m.body);
      case MT.TXreaddirstat: return this.readdirstat(m.body);
      case MT.TXlopen: return this.xlopen(m.body);
      default:
        // A reply type sent as a request.
        throw new SysError(E.EOPNOTSUPP);
    }
  }

  /** close releases every host fd the handlers hold. */
  close(): void {
    this.fids.clear();
    this.dirs.clear();
  }

  private version(m: MsgOf<typeof MT.Tversion>): Reply {
    this.close();
    this.msize = Math.max(4096, Math.min(m.msize, this.opts.maxMsize));
    this.opts.onVersion(this.msize);
    const ok = m.version === "9P2000.L";
    this.versioned = ok;
    return {
      type: MT.Rversion, msize: this.msize,
      version: ok ? "9P2000.L" : "unknown",
    };
  }

  private attach(m: MsgOf<typeof MT.Tattach>): Reply {
    if (m.aname !== "" && m.aname !== "/") throw new SysError(E.ENOENT);
    const fd = dup(this.rootFd);
    this.fids.set(m.fid, { pathFd: fd, ftype: sys.S_IFDIR, ioFd: -1 });
    return { type: MT.Rattach, qid: qidOf(statFd(fd)) };
  }

  /**
   * Twalk per the spec: all names walked gives newfid; a first name that
   * fails is an error; a later one gives the qids walked so far and no
   * newfid. Each step is one openat of one name, never following links.
   */
  private walk(m: MsgOf<typeof MT.Twalk>): Reply {
    const from = this.fids.get(m.fid);
    if (m.newfid !== m.fid && this.fids.has(m.newfid)) {
      throw new SysError(E.EBADF);
    }
    if (m.names.length > MAXWELEM) throw new SysError(E.EINVAL);
    const qids: Qid[] = [];
    let fd = dup(from.pathFd);
    let ftype = from.ftype;
    for (const name of m.names) {
      let next: number;
      try {
        next = walkOne(fd, name);
      } catch (e) {
        sys.close(fd);
        if (qids.length === 0) throw e;
        return { type: MT.Rwalk, qids };
      }
      sys.close(fd);
      fd = next;
      const st = statFd(fd);
      ftype = st.mode & sys.S_IFMT;
      qids.push(qidOf(st));
    }
    this.fids.set(m.newfid, { pathFd: fd, ftype, ioFd: -1 }, true);
    return { type: MT.Rwalk, qids };
  }

  private getattr(m: MsgOf<typeof MT.Tgetattr>): Reply {
    const f = this.fids.get(m.fid);
    const s = statFd(f.ioFd >= 0 ? f.ioFd : f.pathFd);
    return {
      type: MT.Rgetattr, valid: 0x3fffn, qid: qidOf(s), mode: s.mode,
      uid: s.uid, gid: s.gid, nlink: BigInt(s.nlink),
      rdev: BigInt(statxToWire(s).rdev), size: s.size,
      blksize: BigInt(s.blksize), blocks: s.blocks,
      atimeSec: BigInt.asUintN(64, s.atimeSec), atimeNsec: BigInt(s.atimeNsec),
      mtimeSec: BigInt.asUintN(64, s.mtimeSec), mtimeNsec: BigInt(s.mtimeNsec),
      ctimeSec: BigInt.asUintN(64, s.ctimeSec), ctimeNsec: BigInt(s.ctimeNsec),
      btimeSec: BigInt.asUintN(64, s.btimeSec), btimeNsec: BigInt(s.btimeNsec),
      gen: 0n, dataVersion: 0n,
    };
  }

  private lopen(m: MsgOf<typeof MT.Tlopen>): Reply {
    const f = this.fids.get(m.fid);
    if (f.ioFd >= 0) throw new SysError(E.EBADF);
    f.ioFd = reopen(f.pathFd, m.flags);
    return { type: MT.Rlopen, qid: qidOf(statFd(f.ioFd)), iounit: 0 };
  }

  private read(m: MsgOf<typeof MT.Tread>): Reply {
    const f = this.openFid(m.fid);
    if (f.ftype === sys.S_IFDIR) throw new SysError(E.EISDIR);
    const count = Math.min(m.count, this.msize - 11);
    const buf = new Uint8Array(count);
    const n = sys.pread(f.ioFd, buf, m.offset);
    return { type: MT.Rread, data: buf.subarray(0, n) };
  }

  private openFid(fid: number): Fid {
    const f = this.fids.get(fid);
    if (f.ioFd < 0) throw new SysError(E.EBADF);
    return f;
  }

  /** Treaddir: records from the cookie offset until count is full. */
  private readdir(m: MsgOf<typeof MT.Treaddir>): Reply {
    const f = this.openFid(m.fid);
    if (f.ftype !== sys.S_IFDIR) throw new SysError(E.ENOTDIR);
    const limit = Math.min(m.count, this.msize - 11);
    const out: Dirent[] = [];
    let used = 0;
    sys.lseek(f.ioFd, m.offset, sys.SEEK_SET);
    fill: for (;;) {
      const n = sys.getdents(f.ioFd, DIRENT_BUF);
      if (n === 0) break;
      for (const e of sys.parseDirents(DIRENT_BUF, n)) {
        const size = direntSize(e.name);
        if (used + size > limit) {
          if (out.length === 0) throw new SysError(E.EINVAL);
          break fill;
        }
        used += size;
        out.push({
          qid: { type: qidType(e.type << 12), version: 0, path: e.ino },
          offset: e.off, type: e.type, name: e.name,
        });
      }
    }
    return { type: MT.Rreaddir, data: encodeDirents(out) };
  }

  private readlink(fid: number): string {
    const f = this.fids.get(fid);
    if (f.ftype !== sys.S_IFLNK) throw new SysError(E.EINVAL);
    return sys.readlinkat(f.pathFd, "");
  }

  private statfs(fid: number): Reply {
    const s = sys.fstatfs(this.fids.get(fid).pathFd);
    return {
      type: MT.Rstatfs, fstype: s.type, bsize: s.bsize,
      blocks: BigInt(s.blocks), bfree: BigInt(s.bfree),
      bavail: BigInt(s.bavail), files: BigInt(s.files),
      ffree: BigInt(s.ffree), fsid: BigInt(s.fsid), namelen: s.namelen,
    };
  }

  private caps(): Reply {
    const caps = [CAP_WALKSTAT, CAP_READDIRSTAT, CAP_LOPEN];
    if (this.opts.fdSocket >= 0) caps.push(CAP_DONATE);
    if (this.opts.spin) caps.push(CAP_SPIN);
    return { type: MT.RXcaps, body: { caps } };
  }

  /**
   * walkTo walks names from fid's file one name at a time and shows each
   * step to visit: the directory fd it was found in, its name and its
   * attributes (statx, never following a link). It stops after a step
   * visit answers false to, and at a failure, giving the errno (0 unless
   * a name could not be walked). Directories on the way come from
   * this.dirs, so a walk through known ones opens nothing. The fds given
   * to visit are valid only during the call.
   */
  private walkTo(
    fid: number,
    names: string[],
    visit: (dirFd: number, name: string, st: sys.Statx, i: number) =>
      boolean | void,
  ): number {
    let fd = this.fids.get(fid).pathFd;
    // Whether fd is this walk's to close (neither the fid's nor cached).
    let owned = false;
    let key = String(fid);
    try {
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        try {
          checkName(name);
          const st = sys.statx(fd, name, sys.AT_SYMLINK_NOFOLLOW);
          if (visit(fd, name, st, i) === false) return 0;
          if (i === names.length - 1) return 0;
          if ((st.mode & sys.S_IFMT) !== sys.S_IFDIR) return E.ENOTDIR;

          // Step into the directory: the cached fd if it still is one.
          key += "\0" + name;
          const next = this.dirs.enter(key, fd, name, st);
          if (owned) sys.close(fd);
          fd = next.fd;
          owned = next.owned;
        } catch (e) {
          // Out of fds is the request's failure, not where the walk ends.
          if (e instanceof SysError && !sys.isOutOfFds(e)) return e.errno;
          throw e;
        }
      }
      return 0;
    } finally {
      if (owned) sys.close(fd);
    }
  }

  private walkstat(body: unknown): Reply {
    const b = obj(body, "TXwalkstat");
    const names = checkNames(b.names, "TXwalkstat names");
    const steps: unknown[] = [];
    const errno = this.walkTo(num(b.fid, "fid"), names, (dir, name, st) => {
      const isLink = (st.mode & sys.S_IFMT) === sys.S_IFLNK;
      const target = isLink ? sys.readlinkat(dir, name) : undefined;
      steps.push(attrToTuple(statxToWire(st, target)));
      return (st.mode & sys.S_IFMT) === sys.S_IFDIR;
    });
    return { type: MT.RXwalkstat, body: { steps, errno } };
  }

  /** pathFdOf walks to the final name and gives an O_PATH fd of it. */
  private pathFdOf(fid: number, names: string[]): number {
    if (names.length === 0) return dup(this.fids.get(fid).pathFd);
    let out = -1;
    const errno = this.walkTo(fid, names, (dir, name, _st, i) => {
      if (i === names.length - 1) out = openPath(dir, name);
    });
    if (out < 0) throw new SysError(errno || E.ENOTDIR);
    return out;
  }

  private readdirstat(body: unknown): Reply {
    const b = obj(body, "TXreaddirstat");
    const names = checkNames(b.names, "TXreaddirstat names");
    const count = Math.min(num(b.count, "count"), 65536);
    const pathFd = this.pathFdOf(num(b.fid, "fid"), names);
    let dirFd = -1;
    try {
      dirFd = reopen(pathFd, sys.O_RDONLY);
      if ((statFd(dirFd).mode & sys.S_IFMT) !== sys.S_IFDIR) {
        throw new SysError(E.ENOTDIR);
      }
      const offset = b.offset;
      if (typeof offset !== "string" || !/^\d{1,20}$/.test(offset)) {
        throw proto("TXreaddirstat offset");
      }
      return this.listWithAttrs(dirFd, offset, count, b.stat !== false);
    } finally {
      if (dirFd >= 0) sys.close(dirFd);
      sys.close(pathFd);
    }
  }

  /**
   * listWithAttrs reads entries from the cookie offset (a decimal string:
   * ext4's cookies are 63-bit hashes, past a double's precision) and
   * gives each one's attributes ([name, AttrTuple]), or with stat false
   * only its inode and type ([name, ino, S_IFMT bits], from getdents);
   * next is the cookie to go on from, or null at the end.
   */
  private listWithAttrs(
    dirFd: number,
    offset: string,
    count: number,
    stat: boolean,
  ) {
    const entries: unknown[] = [];
    const budget = this.msize - 512;
    let used = 0;
    let next: string | null = offset;
    sys.lseek(dirFd, BigInt(offset), sys.SEEK_SET);
    fill: for (;;) {
      const n = sys.getdents(dirFd, DIRENT_BUF);
      if (n === 0) {
        next = null;
        break;
      }
      for (const e of sys.parseDirents(DIRENT_BUF, n)) {
        if (entries.length >= count || used > budget) break fill;
        next = e.off.toString();
        if (e.name === "." || e.name === "..") continue;
        if (!stat) {
          let type = (e.type & 0xf) << 12;
          if (type === 0) {
            // DT_UNKNOWN: this filesystem does not say; ask the inode.
            try {
              const name = e.raw ?? e.name;
              type = sys.statx(dirFd, name, sys.AT_SYMLINK_NOFOLLOW).mode &
                sys.S_IFMT;
            } catch {
              continue; // gone since getdents listed it
            }
          }
          entries.push([e.name, Number(e.ino), type]);
          used += e.name.length * 3 + 16;
          continue;
        }
        let tuple: unknown[];
        try {
          const s = sys.statx(dirFd, e.raw ?? e.name, sys.AT_SYMLINK_NOFOLLOW);
          tuple = attrToTuple(statxToWire(s));
        } catch {
          continue; // gone since getdents listed it
        }
        entries.push([e.name, tuple]);
        used += e.name.length * 3 + 160;
      }
    }
    return { type: MT.RXreaddirstat, body: { entries, next } };
  }

  /**
   * TXlopen walks and opens in one request. With donate, the host fd is
   * sent over the fd socket, tagged with the client's key, before this
   * reply is written, and the gofer keeps no copy; without, newfid holds
   * it for Tread.
   */
  private xlopen(body: unknown): Reply {
    const b = obj(body, "TXlopen");
    const names = checkNames(b.names, "TXlopen names");
    const flags = num(b.flags, "flags");
    const pathFd = this.pathFdOf(num(b.fid, "fid"), names);
    let ioFd: number;
    try {
      ioFd = reopen(pathFd, flags);
    } catch (e) {
      sys.close(pathFd);
      throw e;
    }
    const st = statFd(ioFd);
    const attr = attrToTuple(statxToWire(st));
    const ftype = st.mode & sys.S_IFMT;
    if (bool(b.donate) && this.opts.fdSocket >= 0) {
      payloadView.setUint32(0, num(b.key, "key") >>> 0, true);
      try {
        sys.sendFd(this.opts.fdSocket, ioFd, payload);
      } finally {
        sys.close(ioFd);
        sys.close(pathFd);
      }
      if (isDebug("fd")) debug("fd", `donated ${names.join("/")}`);
      return { type: MT.RXlopen, body: { attr, donated: true } };
    }
    const fid = num(b.newfid, "newfid");
    this.fids.set(fid, { pathFd, ftype, ioFd });
    return { type: MT.RXlopen, body: { attr, donated: false } };
  }
}

function qidType(mode: number): number {
  const t = mode & sys.S_IFMT;
  if (t === sys.S_IFDIR) return 0x80;
  if (t === sys.S_IFLNK) return 0x02;
  return 0;
}

function qidOf(s: sys.Statx): Qid {
  return { type: qidType(s.mode), version: 0, path: s.ino };
}
