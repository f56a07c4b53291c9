/**
 * Stats and Dirent objects with node:fs's shape, built from VFS
 * attributes and directory entries.
 */
import {
  type Attr,
  type DirEntry,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
} from "../vfs/attr.ts";

const ms = (sec: number, nsec: number) => sec * 1000 + nsec / 1e6;

/** Stats is node:fs.Stats for a file in the sandbox. */
export class Stats {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  atime: Date;
  mtime: Date;
  ctime: Date;
  birthtime: Date;

  constructor(a: Attr) {
    this.dev = a.dev;
    this.ino = a.ino;
    this.mode = a.mode;
    this.nlink = a.nlink;
    this.uid = a.uid;
    this.gid = a.gid;
    this.rdev = a.rdev;
    this.size = a.size;
    this.blksize = a.blksize;
    this.blocks = a.blocks;
    this.atimeMs = ms(a.atimeSec, a.atimeNsec);
    this.mtimeMs = ms(a.mtimeSec, a.mtimeNsec);
    this.ctimeMs = ms(a.ctimeSec, a.ctimeNsec);
    this.birthtimeMs = ms(a.btimeSec, a.btimeNsec);
    this.atime = new Date(this.atimeMs);
    this.mtime = new Date(this.mtimeMs);
    this.ctime = new Date(this.ctimeMs);
    this.birthtime = new Date(this.birthtimeMs);
  }

  private get ftype(): number {
    return this.mode & S_IFMT;
  }
  isFile(): boolean {
    return this.ftype === S_IFREG;
  }
  isDirectory(): boolean {
    return this.ftype === S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return this.ftype === S_IFLNK;
  }
  isBlockDevice(): boolean {
    return this.ftype === S_IFBLK;
  }
  isCharacterDevice(): boolean {
    return this.ftype === S_IFCHR;
  }
  isFIFO(): boolean {
    return this.ftype === S_IFIFO;
  }
  isSocket(): boolean {
    return this.ftype === S_IFSOCK;
  }
}

/** Dirent is node:fs.Dirent: a name, its directory, and its type. */
export class Dirent {
  readonly name: string;
  readonly parentPath: string;
  /** Node 20's older name for parentPath. */
  readonly path: string;
  private readonly ftype: number;

  constructor(e: DirEntry, parentPath: string) {
    this.name = e.name;
    this.parentPath = parentPath;
    this.path = parentPath;
    this.ftype = e.type;
  }

  isFile(): boolean {
    return this.ftype === S_IFREG;
  }
  isDirectory(): boolean {
    return this.ftype === S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return this.ftype === S_IFLNK;
  }
  isBlockDevice(): boolean {
    return this.ftype === S_IFBLK;
  }
  isCharacterDevice(): boolean {
    return this.ftype === S_IFCHR;
  }
  isFIFO(): boolean {
    return this.ftype === S_IFIFO;
  }
  isSocket(): boolean {
    return this.ftype === S_IFSOCK;
  }
}

