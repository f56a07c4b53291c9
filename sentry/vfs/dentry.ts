/**
 * Dentries and the bounded cache that holds them.
 *
 * A Dentry is one name in one filesystem: the counterpart of Linux's struct
 * dentry. It holds a reference to its parent (never the other way round:
 * a parent's children map is a cache that eviction may empty), the file's
 * type and inode number, and whatever its filesystem chose to cache
 * (attributes, symlink target, directory listing).
 *
 * Ownership: the DentryCache owns every dentry it was given. A dentry with
 * open files (refs > 0), cached children, or pinned (a filesystem root, the
 * parent of a mount point) is never evicted; any other is dropped from its
 * parent's children map once the cache is over its bound, oldest use first.
 * Dropping a dentry loses only cached state: the next walk re-creates it.
 */
import type { Attr, DirEntry } from "./attr.ts";
import type { Filesystem } from "./filesystem.ts";

export class Dentry {
  /** The name in the parent; "" for a filesystem root. */
  readonly name: string;
  /** The parent in the same filesystem; null for its root. */
  parent: Dentry | null;
  readonly fs: Filesystem;
  /** S_IFMT bits of the file's mode; 0 for a negative dentry. */
  ftype: number;
  ino: number;
  /** Cached children by name; a negative dentry stands for a missing one. */
  readonly children = new Map<string, Dentry>();
  /** Cached attributes, when the filesystem has them. */
  attr?: Attr;
  /** The opClock tick at which attr was last fetched from the host. */
  freshAt = 0;
  /** Cached symlink target. */
  target?: string;
  /** Cached directory listing (exclusive mode only). */
  listing?: DirEntry[];
  /** Open files and in-progress operations holding this dentry. */
  refs = 0;
  /** Never evicted: a filesystem root or the parent of a mount point. */
  pinned = false;
  /** A mount point lies at or below one of this dentry's children. */
  mountsBelow = false;
  /** Detached from its parent: replaced on the host or unlinked. */
  dead = false;
  /** Filesystem-private state (a tmpfs inode, for example). */
  impl: unknown;

  constructor(
    fs: Filesystem,
    parent: Dentry | null,
    name: string,
    ftype: number,
    ino: number,
  ) {
    this.fs = fs;
    this.parent = parent;
    this.name = name;
    this.ftype = ftype;
    this.ino = ino;
  }

  get negative(): boolean {
    return this.ftype === 0;
  }

  /** path gives the names from the filesystem root down to this dentry. */
  namesFromRoot(): string[] {
    const names: string[] = [];
    for (let d: Dentry | null = this; d && d.parent; d = d.parent) {
      names.push(d.name);
    }
    return names.reverse();
  }
}

/**
 * DentryCache bounds how many dentries are kept, evicting the least
 * recently used that nothing holds.
 */
export class DentryCache {
  /** Insertion order is use order: the first entry is the oldest. */
  private readonly lru = new Set<Dentry>();
  readonly max: number;

  constructor(max = 16384) {
    this.max = max;
  }

  get size(): number {
    return this.lru.size;
  }

  /** add takes ownership of a new dentry and links it under its parent. */
  add(d: Dentry): void {
    d.parent?.children.set(d.name, d);
    this.lru.add(d);
    if (this.lru.size > this.max) this.evict();
  }

  /** touch marks d as just used. */
  touch(d: Dentry): void {
    if (this.lru.delete(d)) this.lru.add(d);
  }

  /**
   * drop unlinks d from its parent and forgets it and its cached subtree.
   * Open files keep their dentries; they are only marked dead.
   */
  drop(d: Dentry): void {
    if (d.parent && d.parent.children.get(d.name) === d) {
      d.parent.children.delete(d.name);
    }
    d.dead = true;
    this.lru.delete(d);
    for (const c of d.children.values()) this.drop(c);
    d.children.clear();
  }

  private evict(): void {
    let budget = this.lru.size;
    for (const d of this.lru) {
      if (this.lru.size <= this.max || budget-- <= 0) return;
      if (d.refs > 0 || d.pinned) continue;
      if (d.children.size > 0) {
        // Still a parent: look at it again after its children go.
        this.lru.delete(d);
        this.lru.add(d);
        continue;
      }
      this.lru.delete(d);
      if (d.parent && d.parent.children.get(d.name) === d) {
        d.parent.children.delete(d.name);
      }
    }
  }
}

/**
 * opClock ticks once per VFS operation. A shared-mode walk stamps the
 * dentries it revalidated with the tick, so the same operation can use
 * their attributes without asking again; the next operation asks.
 */
export const opClock = { now: 1 };
