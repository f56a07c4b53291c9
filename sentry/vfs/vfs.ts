/**
 * The VFS: path-level operations over a mount table, and the table of
 * open files. The counterpart of Linux's fs/namei.c and fs/open.c entry
 * points; the fs API turns its results into node:fs shapes.
 *
 * Ownership: the VFS owns its filesystems (close() closes them) and every
 * OpenFile it hands out until that file is closed. An OpenFile holds a
 * reference on its dentry, so a file unlinked or replaced while open stays
 * readable through it.
 */
import { E, SysError } from "../../shared/errno.ts";
import { type Attr, type DirEntry, isDir, isLnk, isReg } from "./attr.ts";
import type { StatFs } from "./attr.ts";
import { Dentry, DentryCache, opClock } from "./dentry.ts";
import type { FileImpl, Filesystem } from "./filesystem.ts";
import { type Loc, type Mount, MountTable } from "./mount.ts";
import { Resolver } from "./resolve.ts";

export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;

export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;

/** An open file description: the counterpart of Linux's struct file. */
export class OpenFile {
  /** The file offset for reads without a position. */
  pos = 0;
  closed = false;

  constructor(
    readonly loc: Loc,
    readonly flags: number,
    readonly impl: FileImpl,
    readonly path: string,
  ) {}

  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY;
  }

  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY;
  }
}

export class VFS {
  readonly cache: DentryCache;
  readonly mounts = new MountTable();
  readonly resolver: Resolver;
  private rootMount?: Mount;
  private readonly filesystems: Filesystem[] = [];
  private readonly open = new Set<OpenFile>();
  /** Set by shutdown(): every later path operation is EIO. */
  private down = false;

  constructor(cache = new DentryCache()) {
    this.cache = cache;
    this.resolver = new Resolver(this.mounts, () => this.root);
  }

  /** The location of "/". */
  get root(): Loc {
    if (!this.rootMount) throw new SysError(E.ENOENT);
    return { mnt: this.rootMount, d: this.rootMount.fs.root };
  }

  /** mountRoot makes fs the root filesystem. */
  mountRoot(fs: Filesystem, readOnly = false): void {
    this.rootMount = { fs, parent: null, parentDir: null, name: "", readOnly };
    this.filesystems.push(fs);
  }

  /**
   * mount hangs fs at path. The path's parent directory must exist; the
   * name itself need not (a mount can stand where nothing was).
   */
  async mount(path: string, fs: Filesystem, readOnly = false): Promise<void> {
    const [dir, name] = await this.resolver.resolveParent(path);
    if (!name) throw new SysError(E.EBUSY, "mount", path);
    this.mounts.add({ fs, parent: dir.mnt, parentDir: dir.d, name, readOnly });
    this.filesystems.push(fs);
  }

  /** resolve starts an operation (one opClock tick) and walks path. */
  resolve(path: string, follow = true, cwd?: Loc): Promise<Loc> {
    // After shutdown nothing answers, cached or not, as with a gofer gone.
    if (this.down) return Promise.reject(new SysError(E.EIO));
    opClock.now++;
    return this.resolver.resolve(path, { follow }, cwd);
  }

  /** stat(2) and lstat(2). */
  async stat(path: string, follow = true): Promise<Attr> {
    const loc = await this.resolve(path, follow);
    return loc.d.fs.getattr(loc.d);
  }

  /** readlink(2): EINVAL for anything but a symlink. */
  async readlink(path: string): Promise<string> {
    const loc = await this.resolve(path, false);
    if (!isLnk(loc.d.ftype)) throw new SysError(E.EINVAL);
    return loc.d.fs.readlink(loc.d);
  }

  /** getdents(2), all of it; ENOTDIR for a non-directory. */
  async readdir(path: string): Promise<DirEntry[]> {
    const loc = await this.resolve(path, true);
    return this.readdirAt(loc);
  }

  /** readdirAt lists a resolved directory, with mounts shown in it. */
  async readdirAt(loc: Loc): Promise<DirEntry[]> {
    if (!isDir(loc.d.ftype)) throw new SysError(E.ENOTDIR);
    const entries = await loc.d.fs.readdir(loc.d);
    if (!loc.d.mountsBelow) return entries;
    return this.withMounts(loc.d, entries);
  }

  private async withMounts(d: Dentry, entries: DirEntry[]) {
    const out = entries.slice();
    for (const m of this.mounts.all()) {
      if (m.parentDir !== d) continue;
      const root = m.fs.root;
      const attr = await m.fs.getattr(root);
      const entry = { name: m.name, ino: attr.ino, type: root.ftype, attr };
      const at = out.findIndex((e) => e.name === m.name);
      if (at >= 0) out[at] = entry;
      else out.push(entry);
    }
    return out;
  }

  /** realpath(3): the path with every symlink, "." and ".." resolved. */
  async realpath(path: string): Promise<string> {
    return this.resolver.pathOf(await this.resolve(path, true));
  }

  /**
   * access(2), for a sandbox that runs as root: F_OK and R_OK need the
   * file to exist, W_OK a writable mount, X_OK an execute bit on a
   * non-directory.
   */
  async access(path: string, mode: number): Promise<void> {
    const loc = await this.resolve(path, true);
    if (mode & W_OK && this.isReadOnly(loc)) throw new SysError(E.EROFS);
    if (mode & X_OK && !isDir(loc.d.ftype)) {
      const attr = await loc.d.fs.getattr(loc.d);
      if ((attr.mode & 0o111) === 0) throw new SysError(E.EACCES);
    }
  }

  async statfs(path: string): Promise<StatFs> {
    const loc = await this.resolve(path, true);
    return loc.d.fs.statfs(loc.d);
  }

  isReadOnly(loc: Loc): boolean {
    return loc.mnt.readOnly || loc.d.fs.readOnly;
  }

  /**
   * openat(2). Creation and truncation need a writable filesystem; until
   * the filesystems can write, asking to is EROFS (or EEXIST/ENOENT where
   * Linux checks those first).
   */
  async openFile(path: string, flags: number): Promise<OpenFile> {
    const follow = (flags & O_NOFOLLOW) === 0;
    let loc: Loc;
    try {
      loc = await this.resolve(path, follow);
    } catch (e) {
      if (!(flags & O_CREAT) || (e as SysError).errno !== E.ENOENT) throw e;
      const [dir] = await this.resolver.resolveParent(path);
      if (this.isReadOnly(dir)) throw new SysError(E.EROFS);
      throw new SysError(E.EROFS);
    }

    // The checks Linux's do_open makes, in its order.
    if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) {
      throw new SysError(E.EEXIST);
    }
    if (isLnk(loc.d.ftype)) throw new SysError(E.ELOOP);
    if (flags & O_DIRECTORY && !isDir(loc.d.ftype)) {
      throw new SysError(E.ENOTDIR);
    }
    const acc = flags & O_ACCMODE;
    if (isDir(loc.d.ftype) && (acc !== O_RDONLY || flags & O_CREAT)) {
      throw new SysError(E.EISDIR);
    }
    const wantsWrite = acc !== O_RDONLY || (flags & O_TRUNC) !== 0;
    if (wantsWrite && this.isReadOnly(loc) && isReg(loc.d.ftype)) {
      throw new SysError(E.EROFS);
    }

    const impl = await loc.d.fs.open(loc.d, flags);
    const file = new OpenFile(loc, flags, impl, path);
    loc.d.refs++;
    this.open.add(file);
    return file;
  }

  /** read(2)/pread(2) on an open file; pos null reads at the offset. */
  async read(
    f: OpenFile,
    buf: Uint8Array,
    pos: number | null,
  ): Promise<number> {
    if (f.closed) throw new SysError(E.EBADF);
    if (!f.readable) throw new SysError(E.EBADF);
    if (isDir(f.loc.d.ftype)) throw new SysError(E.EISDIR);
    const at = pos ?? f.pos;
    const n = await f.impl.read(buf, at);
    if (pos === null) f.pos += n;
    return n;
  }

  /** write(2)/pwrite(2) on an open file. */
  async write(
    f: OpenFile,
    buf: Uint8Array,
    pos: number | null,
  ): Promise<number> {
    if (f.closed || !f.writable) throw new SysError(E.EBADF);
    if (!f.impl.write) throw new SysError(E.EROFS);
    const at = pos ?? f.pos;
    const n = await f.impl.write(buf, at);
    if (pos === null) f.pos += n;
    return n;
  }

  async fstat(f: OpenFile): Promise<Attr> {
    if (f.closed) throw new SysError(E.EBADF);
    return f.impl.stat();
  }

  async close(f: OpenFile): Promise<void> {
    if (f.closed) throw new SysError(E.EBADF);
    f.closed = true;
    this.open.delete(f);
    f.loc.d.refs--;
    await f.impl.close();
  }

  /** How many files are open now. */
  get openCount(): number {
    return this.open.size;
  }

  /**
   * refuseChange is the answer to a change on a path (mkdir, unlink, ...)
   * for filesystems that cannot write yet: the errno Linux gives first.
   */
  async refuseChange(path: string, mustExist: boolean): Promise<never> {
    if (this.down) throw new SysError(E.EIO);
    const [dir, name] = await this.resolver.resolveParent(path);
    let exists = name === "";
    if (name) {
      exists = await dir.d.fs.walk(dir.d, [name]).then(
        (r) => r.dentries.length === 1,
        () => false,
      );
    }
    if (mustExist && !exists) throw new SysError(E.ENOENT);
    if (!mustExist && exists) throw new SysError(E.EEXIST);
    throw new SysError(E.EROFS);
  }

  /** Closes every open file and every filesystem. */
  async shutdown(): Promise<void> {
    this.down = true;
    for (const f of [...this.open]) await this.close(f).catch(() => {});
    for (const fs of this.filesystems.reverse()) {
      await fs.close().catch(() => {});
    }
  }
}

export { Dentry };
