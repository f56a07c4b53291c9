/**
 * The gofer filesystem: a host directory seen through a 9P2000.L server.
 *
 * File access modes (DESIGN.md):
 *  - exclusive: nothing else changes the tree, so dentries, attributes,
 *    negative lookups, listings and link targets are cached and trusted.
 *    A warm stat costs no request.
 *  - shared: every walk goes to the server from the export root with
 *    every name, in one request, and each cached dentry on the way is
 *    checked against what came back: same inode and type keeps it (with
 *    fresh attributes), anything else replaces it. No negative lookups
 *    and no listings are kept. A change on the host is seen at once.
 *
 * Read handles: like gVisor's gofer dentries, a regular file's donated
 * read-only fd is kept after its first open and shared by later read-only
 * opens of the same dentry, so they cost no request (in shared mode, the
 * walk that revalidates the dentry is the only one). A kept handle is
 * dropped when its dentry is replaced or the file's ctime moves (the
 * inode may have been reused), the oldest past the bound (an eighth of
 * the fd limit, at most READ_HANDLES), and all of them when an open runs
 * out of fds.
 *
 * The filesystem owns its Conn's client and closes it on close().
 */
import { E, SysError } from "../../../shared/errno.ts";
import { debug } from "../../../shared/log.ts";
import { fdLimit, isOutOfFds } from "../../../shared/sys/libc.ts";
import type { Attr, DirEntry, StatFs } from "../../vfs/attr.ts";
import { isDir, isReg, S_IFDIR } from "../../vfs/attr.ts";
import { Dentry, type DentryCache, opClock } from "../../vfs/dentry.ts";
import type { FileImpl, Filesystem, WalkResult } from "../../vfs/filesystem.ts";
import type { FileAccess } from "../../vfs/mount.ts";
import type { Client } from "./client.ts";
import type { Conn, Step } from "./conn.ts";
import { DonatedFile } from "./file.ts";

/** How many read handles one filesystem keeps open between opens. */
export const READ_HANDLES = 128;

/** open(2) flags that make an open more than a plain read. */
const NOT_PLAIN_READ = 3 | 0o100 | 0o1000; // O_ACCMODE | O_CREAT | O_TRUNC

interface ReadHandle {
  file: DonatedFile;
  ctimeSec: number;
  ctimeNsec: number;
}

export class GoferFs implements Filesystem {
  readonly kind = "gofer";
  readonly root: Dentry;
  readonly readOnly: boolean;
  /** Kept read handles by dentry; Map order is use order. */
  private readonly readHandles = new Map<Dentry, ReadHandle>();
  /** Read handles kept: an eighth of the fd limit, up to READ_HANDLES. */
  private readonly keepMax = Math.min(
    READ_HANDLES, Math.floor(fdLimit() / 8),
  );

  constructor(
    private readonly conn: Conn,
    private readonly client: Client,
    private readonly cache: DentryCache,
    readonly access: FileAccess,
    rootIno: number,
    readOnly = true,
  ) {
    this.readOnly = readOnly;
    this.root = new Dentry(this, null, "", S_IFDIR, rootIno);
    this.root.pinned = true;
  }

  get shared(): boolean {
    return this.access === "shared";
  }

  walk(d: Dentry, names: string[]): Promise<WalkResult> {
    return this.shared ? this.walkShared(d, names) : this.walkCached(d, names);
  }

  /** Exclusive: cached names cost nothing; the rest, one request. */
  private async walkCached(d: Dentry, names: string[]): Promise<WalkResult> {
    const dentries: Dentry[] = [];
    let cur = d;
    let i = 0;
    for (; i < names.length; i++) {
      const c = cur.children.get(names[i]);
      if (!c) break;
      this.cache.touch(c);
      if (c.negative) return { dentries, errno: E.ENOENT };
      dentries.push(c);
      if (!isDir(c.ftype)) return { dentries, errno: 0 };
      cur = c;
    }
    if (i === names.length) return { dentries, errno: 0 };

    const prefix = cur.namesFromRoot();
    const rest = names.slice(i);
    const w = await this.conn.walk(prefix.concat(rest));
    if (w.steps.length < prefix.length) {
      // The host changed under an exclusive mount: report, trust nothing.
      return { dentries, errno: w.errno || E.ESTALE };
    }
    const steps = w.steps.slice(prefix.length);
    for (let k = 0; k < steps.length; k++) {
      cur = this.child(cur, rest[k], steps[k]);
      dentries.push(cur);
    }
    if (steps.length < rest.length && w.errno === E.ENOENT) {
      this.addNegative(cur, rest[steps.length]);
    }
    return { dentries, errno: steps.length < rest.length ? w.errno : 0 };
  }

  /** Shared: one request from the root; revalidate every step. */
  private async walkShared(d: Dentry, names: string[]): Promise<WalkResult> {
    const prefix = d.namesFromRoot();
    const all = prefix.concat(names);
    const w = await this.conn.walk(all);
    const now = opClock.now;
    let cur = this.root;
    const dentries: Dentry[] = [];
    for (let k = 0; k < w.steps.length; k++) {
      cur = this.revalidate(cur, all[k], w.steps[k], now);
      if (k >= prefix.length) dentries.push(cur);
    }
    if (w.steps.length < all.length) {
      const gone = cur.children.get(all[w.steps.length]);
      if (gone && w.errno === E.ENOENT) this.cache.drop(gone);
      if (w.steps.length < prefix.length) {
        return { dentries, errno: w.errno || E.ENOENT };
      }
    }
    const short = w.steps.length < all.length;
    return { dentries, errno: short ? w.errno : 0 };
  }

  /** revalidate keeps the cached child if it is the same file. */
  private revalidate(parent: Dentry, name: string, s: Step, now: number) {
    const old = parent.children.get(name);
    if (old && !old.negative && old.ino === s.ino && old.ftype === s.ftype) {
      this.fill(old, s, now);
      this.cache.touch(old);
      return old;
    }
    if (old) {
      if (old.pinned) return old;
      debug("vfs", `revalidate: ${name} changed on the host`);
      this.cache.drop(old);
    }
    return this.child(parent, name, s, now);
  }

  private child(parent: Dentry, name: string, s: Step, now = 0): Dentry {
    const old = parent.children.get(name);
    if (old && !old.negative && old.ino === s.ino) {
      if (!old.attr && s.attr) this.fill(old, s, now);
      return old;
    }
    if (old) this.cache.drop(old);
    const d = new Dentry(this, parent, name, s.ftype, s.ino);
    this.fill(d, s, now);
    this.cache.add(d);
    return d;
  }

  private fill(d: Dentry, s: Step, now: number): void {
    if (s.attr) {
      d.attr = s.attr;
      d.freshAt = now;
    }
    if (s.target !== undefined) d.target = s.target;
  }

  private addNegative(parent: Dentry, name: string): void {
    if (!parent.children.has(name)) {
      this.cache.add(new Dentry(this, parent, name, 0, 0));
    }
  }

  async getattr(d: Dentry): Promise<Attr> {
    if (d.attr && (!this.shared || d.freshAt === opClock.now)) return d.attr;
    const attr = await this.conn.getattr(d.namesFromRoot());
    d.attr = attr;
    d.freshAt = opClock.now;
    if (d === this.root) d.ino = attr.ino;
    if (attr.ino === d.ino) d.ftype = attr.mode & 0o170000;
    return attr;
  }

  async readlink(d: Dentry): Promise<string> {
    const fresh = !this.shared || d.freshAt === opClock.now;
    if (d.target !== undefined && fresh) return d.target;
    const t = await this.conn.readlink(d.namesFromRoot());
    d.target = t;
    return t;
  }

  async readdir(d: Dentry): Promise<DirEntry[]> {
    if (!this.shared && d.listing) return d.listing;
    // Shared mode keeps nothing, so it needs no attributes: d_type will do.
    const entries = await this.conn.readdir(d.namesFromRoot(), !this.shared);
    if (this.shared) return entries;
    d.listing = entries;
    for (const e of entries) {
      if (e.attr && !d.children.has(e.name)) {
        this.child(d, e.name, { ino: e.ino, ftype: e.type, attr: e.attr });
      }
    }
    return entries;
  }

  /**
   * open refuses anything but a regular file or a directory before asking
   * the server: a FIFO would block it and a device node is the host's.
   */
  async open(d: Dentry, flags: number): Promise<FileImpl> {
    const attr = await this.getattr(d);
    if (!isDir(attr.mode) && !isReg(attr.mode)) {
      throw new SysError(E.EPERM);
    }
    const plainRead = isReg(attr.mode) && (flags & NOT_PLAIN_READ) === 0;
    if (!plainRead) return this.openKeeping(d.namesFromRoot(), flags);
    const kept = this.readHandles.get(d);
    if (kept) {
      this.readHandles.delete(d);
      if (!d.dead && kept.ctimeSec === attr.ctimeSec &&
        kept.ctimeNsec === attr.ctimeNsec) {
        this.readHandles.set(d, kept);
        return kept.file.another(attr);
      }
      await kept.file.close();
    }
    const f = await this.openKeeping(d.namesFromRoot(), flags);
    if (f instanceof DonatedFile) this.keep(d, f.another(attr), attr);
    return f;
  }

  /**
   * openKeeping opens names; out of fds, it lets the kept read handles go
   * and tries once more, so a low fd limit costs the cache, not the open.
   */
  private async openKeeping(names: string[], flags: number) {
    try {
      return await this.conn.open(names, flags);
    } catch (e) {
      if (!isOutOfFds(e) || this.readHandles.size === 0) throw e;
      await this.dropReadHandles();
      return await this.conn.open(names, flags);
    }
  }

  private async dropReadHandles(): Promise<void> {
    const kept = [...this.readHandles.values()];
    this.readHandles.clear();
    for (const h of kept) await h.file.close();
  }

  private keep(d: Dentry, file: DonatedFile, attr: Attr): void {
    this.readHandles.set(d, {
      file, ctimeSec: attr.ctimeSec, ctimeNsec: attr.ctimeNsec,
    });
    for (const [old, h] of this.readHandles) {
      if (this.readHandles.size <= this.keepMax) break;
      this.readHandles.delete(old);
      void h.file.close();
    }
  }

  statfs(_d: Dentry): Promise<StatFs> {
    return this.conn.statfs();
  }

  async close(): Promise<void> {
    await this.dropReadHandles();
    this.client.close();
  }
}

