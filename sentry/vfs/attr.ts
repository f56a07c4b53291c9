/**
 * Attributes of a file as the VFS sees them: struct stat, in numbers.
 *
 * Times are kept as seconds plus nanoseconds so a shared-mode revalidation
 * can compare change times exactly; the fs API derives the *Ms fields.
 */

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

/** Attr is one file's metadata; the counterpart of Linux's struct kstat. */
export interface Attr {
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
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
  btimeSec: number;
  btimeNsec: number;
}

/** One directory entry, with its attributes when the filesystem has them. */
export interface DirEntry {
  name: string;
  ino: number;
  /** The S_IFMT bits of the entry's mode. */
  type: number;
  attr?: Attr;
}

/** Filesystem statistics, the counterpart of struct statfs. */
export interface StatFs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namelen: number;
}

export const isDir = (mode: number) => (mode & S_IFMT) === S_IFDIR;
export const isReg = (mode: number) => (mode & S_IFMT) === S_IFREG;
export const isLnk = (mode: number) => (mode & S_IFMT) === S_IFLNK;

/** DT_* values of struct linux_dirent64's d_type, from S_IFMT bits. */
export function dtypeOf(mode: number): number {
  return (mode & S_IFMT) >> 12;
}

/** The S_IFMT bits for a d_type value (DT_UNKNOWN gives 0). */
export function modeOfDtype(dtype: number): number {
  return (dtype & 0xf) << 12;
}
