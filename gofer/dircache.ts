/**
 * DirCache keeps the O_PATH fds of directories that walks went through,
 * so that walking through a known directory again costs one statx of its
 * name instead of an openat and a close. It is the gofer's counterpart of
 * a dentry cache, and it is safe in shared mode too: an entry is used only
 * when the name, looked up again in its parent right now (statx, never
 * following a link), still names the same inode on the same device. The
 * cache's fd pins that inode, so its number cannot have been reused by
 * another file: a match means the name still leads to this directory.
 *
 * Ownership: the cache owns every fd in it and closes one when it is
 * evicted (least recently used first, past its bound) or on clear(). A
 * caller given an fd by enter() must not close it, and must not keep it
 * past the current request.
 */
import * as sys from "../shared/sys/libc.ts";

/** Most directory fds kept, when the fd limit leaves room for them. */
export const MAX_DIRS = 256;

const PATH_FLAGS = sys.O_PATH | sys.O_NOFOLLOW | sys.O_CLOEXEC |
  sys.O_DIRECTORY;

interface Entry {
  fd: number;
  ino: bigint;
  devMajor: number;
  devMinor: number;
}

export class DirCache {
  /** Keyed by the parent's key and the name; Map order is LRU order. */
  private readonly dirs = new Map<string, Entry>();
  /** At most a quarter of the fds the process may open, up to MAX_DIRS. */
  private readonly max = Math.min(MAX_DIRS, Math.floor(sys.fdLimit() / 4));

  get size(): number {
    return this.dirs.size;
  }

  /**
   * enter gives an O_PATH fd for the directory that name in parentFd is
   * now, known by st (a statx of it taken just before, not followed).
   * owned is false when the fd is the cache's, true when the caller must
   * close it (the name changed between the statx and the open).
   *
   * Throws SysError from openat: ENOENT, ENOTDIR (no longer a
   * directory), ELOOP (now a symlink), EACCES.
   */
  enter(
    key: string,
    parentFd: number,
    name: string,
    st: sys.Statx,
  ): { fd: number; owned: boolean } {
    const hit = this.dirs.get(key);
    if (hit && sameFile(hit, st)) {
      this.dirs.delete(key);
      this.dirs.set(key, hit);
      return { fd: hit.fd, owned: false };
    }
    if (hit) this.drop(key, hit);

    const fd = sys.openat(parentFd, name, PATH_FLAGS);
    const e = entryOf(fd, sys.statx(fd, "", sys.AT_EMPTY_PATH));
    if (this.max < 1 || !sameFile(e, st)) return { fd, owned: true };
    this.dirs.set(key, e);
    if (this.dirs.size > this.max) {
      const [oldKey, old] = this.dirs.entries().next().value!;
      this.drop(oldKey, old);
    }
    return { fd, owned: false };
  }

  /** clear closes every fd the cache holds. */
  clear(): void {
    for (const e of this.dirs.values()) sys.close(e.fd);
    this.dirs.clear();
  }

  private drop(key: string, e: Entry): void {
    this.dirs.delete(key);
    sys.close(e.fd);
  }
}

function entryOf(fd: number, s: sys.Statx): Entry {
  return { fd, ino: s.ino, devMajor: s.devMajor, devMinor: s.devMinor };
}

function sameFile(e: Entry, s: sys.Statx): boolean {
  return e.ino === s.ino && e.devMajor === s.devMajor &&
    e.devMinor === s.devMinor;
}
