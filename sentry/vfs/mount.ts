/**
 * The mount table: which filesystem is seen at which name.
 *
 * A mount hangs under a (parent directory dentry, name) pair rather than
 * on a dentry of the name itself, so a filesystem can be mounted where the
 * parent filesystem has no such name (the sentry's /dev over a rootfs that
 * lacks one). The parent directory and its ancestors are pinned in the
 * dentry cache for as long as the mount lives, and marked mountsBelow so
 * path resolution knows to look name by name there.
 */
import type { Dentry } from "./dentry.ts";
import type { Filesystem } from "./filesystem.ts";

export type FileAccess = "exclusive" | "shared";

export interface Mount {
  readonly fs: Filesystem;
  /** The mount this one hangs in; null for the root mount. */
  readonly parent: Mount | null;
  /** The directory, in the parent mount, that holds the mount point. */
  readonly parentDir: Dentry | null;
  /** The mount point's name in parentDir. */
  readonly name: string;
  readonly readOnly: boolean;
}

/** A location: a dentry as seen through a mount (Linux's struct path). */
export interface Loc {
  mnt: Mount;
  d: Dentry;
}

export class MountTable {
  private readonly byParent = new Map<Dentry, Map<string, Mount>>();

  /** at gives the mount at name in dir, if any. */
  at(dir: Dentry, name: string): Mount | undefined {
    return this.byParent.get(dir)?.get(name);
  }

  /** add registers a mount and pins the way to it. */
  add(m: Mount): void {
    const dir = m.parentDir;
    if (!dir) return;
    let names = this.byParent.get(dir);
    if (!names) this.byParent.set(dir, (names = new Map()));
    names.set(m.name, m);
    for (let d: Dentry | null = dir; d; d = d.parent) {
      d.pinned = true;
      d.mountsBelow = true;
    }
  }

  /** All mounts, parents before children. */
  all(): Mount[] {
    const out: Mount[] = [];
    for (const names of this.byParent.values()) out.push(...names.values());
    return out;
  }
}
