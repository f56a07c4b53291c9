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
const ns = (sec: number, nsec: number) =>
  BigInt(sec) * 1_000_000_000n + BigInt(nsec);

/** The is*() tests node:fs gives Stats, BigIntStats and Dirent alike. */
abstract class FileType {
  /** The S_IFMT bits of the file. */
  protected abstract get ftype(): number;

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

/** Stats is node:fs.Stats for a file in the sandbox. */
export class Stats extends FileType {
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
    super();
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
    // node:fs rounds to the nearest millisecond for its Dates.
    this.atime = new Date(Math.round(this.atimeMs));
    this.mtime = new Date(Math.round(this.mtimeMs));
    this.ctime = new Date(Math.round(this.ctimeMs));
    this.birthtime = new Date(Math.round(this.birthtimeMs));
  }

  protected get ftype(): number {
    return this.mode & S_IFMT;
  }
}

/**
 * BigIntStats is node:fs.BigIntStats, what stat(path, { bigint: true })
 * gives: every field a bigint, and the times in nanoseconds as well.
 */
export class BigIntStats extends FileType {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  uid: bigint;
  gid: bigint;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  atimeMs: bigint;
  mtimeMs: bigint;
  ctimeMs: bigint;
  birthtimeMs: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
  atime: Date;
  mtime: Date;
  ctime: Date;
  birthtime: Date;

  constructor(a: Attr) {
    super();
    this.dev = BigInt(a.dev);
    this.ino = BigInt(a.ino);
    this.mode = BigInt(a.mode);
    this.nlink = BigInt(a.nlink);
    this.uid = BigInt(a.uid);
    this.gid = BigInt(a.gid);
    this.rdev = BigInt(a.rdev);
    this.size = BigInt(a.size);
    this.blksize = BigInt(a.blksize);
    this.blocks = BigInt(a.blocks);
    this.atimeNs = ns(a.atimeSec, a.atimeNsec);
    this.mtimeNs = ns(a.mtimeSec, a.mtimeNsec);
    this.ctimeNs = ns(a.ctimeSec, a.ctimeNsec);
    this.birthtimeNs = ns(a.btimeSec, a.btimeNsec);
    this.atimeMs = this.atimeNs / 1_000_000n;
    this.mtimeMs = this.mtimeNs / 1_000_000n;
    this.ctimeMs = this.ctimeNs / 1_000_000n;
    this.birthtimeMs = this.birthtimeNs / 1_000_000n;
    this.atime = new Date(Number(this.atimeMs));
    this.mtime = new Date(Number(this.mtimeMs));
    this.ctime = new Date(Number(this.ctimeMs));
    this.birthtime = new Date(Number(this.birthtimeMs));
  }

  protected get ftype(): number {
    return Number(this.mode) & S_IFMT;
  }
}

/** statsOf gives Stats, or BigIntStats when options ask for bigint. */
export function statsOf(
  a: Attr,
  options?: { bigint?: boolean },
): Stats | BigIntStats {
  return options?.bigint ? new BigIntStats(a) : new Stats(a);
}

/** Dirent is node:fs.Dirent: a name, its directory, and its type. */
export class Dirent extends FileType {
  readonly name: string;
  readonly parentPath: string;
  /** Node 20's older name for parentPath. */
  readonly path: string;
  private readonly type: number;

  constructor(e: DirEntry, parentPath: string) {
    super();
    this.name = e.name;
    this.parentPath = parentPath;
    this.path = parentPath;
    this.type = e.type;
  }

  protected get ftype(): number {
    return this.type;
  }
}
