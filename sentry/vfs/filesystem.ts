/**
 * The interface every filesystem implements for the VFS: the counterpart of
 * Linux's inode_operations and file_operations, shaped around dentries.
 *
 * Methods report failure by throwing SysError with a Linux errno. The VFS
 * resolves paths; a filesystem only ever sees single names below a dentry
 * of its own.
 */
import type { Attr, DirEntry, StatFs } from "./attr.ts";
import type { Dentry } from "./dentry.ts";

/** The outcome of walking names below a dentry. */
export interface WalkResult {
  /** One dentry per name walked, in order; may be shorter than names. */
  dentries: Dentry[];
  /**
   * Why the walk stopped early: 0 when it stopped after a non-directory
   * with names left (the VFS decides: follow a symlink, or ENOTDIR), an
   * errno (ENOENT, EACCES, ...) for the name at index dentries.length.
   */
  errno: number;
}

/** An open file of one filesystem: the counterpart of struct file. */
export interface FileImpl {
  /** pread(2): reads up to buf.length bytes at pos; 0 at end of file. */
  read(buf: Uint8Array, pos: number): Promise<number>;
  /** pwrite(2); absent on a filesystem that cannot write. */
  write?(buf: Uint8Array, pos: number): Promise<number>;
  /** Fresh attributes of the open file (fstat). */
  stat(): Promise<Attr>;
  /** Releases what the open holds (a host fd, a fid). */
  close(): Promise<void>;
}

export interface Filesystem {
  /** A short name for messages: "gofer", "dev", "tmpfs". */
  readonly kind: string;
  readonly root: Dentry;
  /** Every change fails with EROFS. */
  readonly readOnly: boolean;

  /**
   * walk looks names up one at a time below d (a directory), as Linux's
   * lookup does per component, and stops after a non-directory. A
   * filesystem may answer from its cache or in one round trip for all.
   */
  walk(d: Dentry, names: string[]): Promise<WalkResult>;
  /** Attributes of d: cached, or fresh where the mode says so. */
  getattr(d: Dentry): Promise<Attr>;
  /** The target of symlink d; EINVAL for anything else. */
  readlink(d: Dentry): Promise<string>;
  /** The entries of directory d, without "." and "..". */
  readdir(d: Dentry): Promise<DirEntry[]>;
  /** Opens d with open(2) flags; O_NOFOLLOW etc. are the VFS's business. */
  open(d: Dentry, flags: number): Promise<FileImpl>;
  statfs(d: Dentry): Promise<StatFs>;
  /** Releases everything the filesystem holds (the gofer connection). */
  close(): Promise<void>;
}
