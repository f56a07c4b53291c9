/**
 * Path resolution: the counterpart of Linux's namei (link_path_walk).
 *
 * Components are taken one at a time: "." stays, ".." goes to the parent
 * dentry (across a mount, to the directory that holds the mount point; at
 * the root, nowhere), a mount point is crossed into the mounted root, and
 * a symlink is replaced by its target's components, resolved from the
 * sandbox root when absolute, from the link's directory when relative.
 * More than 40 links in one resolution is ELOOP, as in Linux.
 *
 * Plain names in a row are handed to the filesystem as one walk, so a
 * filesystem behind a wire can answer a whole path in one round trip.
 */
import { E, SysError } from "../../shared/errno.ts";
import { isDir, isLnk } from "./attr.ts";
import type { Dentry } from "./dentry.ts";
import type { Loc, MountTable } from "./mount.ts";
import { nameTooLong, splitPath } from "./path.ts";

/** Linux's MAXSYMLINKS. */
export const MAX_SYMLINKS = 40;

export interface ResolveOptions {
  /** Follow a symlink in the last component (stat, not lstat). */
  follow: boolean;
}

/** Resolver walks paths over one mount table. */
export class Resolver {
  constructor(
    private readonly mounts: MountTable,
    private readonly rootLoc: () => Loc,
  ) {}

  /**
   * resolve finds the location path names, starting at cwd for a relative
   * path. It throws SysError: ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, or
   * whatever the filesystem reports.
   */
  async resolve(path: string, opts: ResolveOptions, cwd?: Loc): Promise<Loc> {
    const sp = splitPath(path);
    const root = this.rootLoc();
    let cur: Loc = sp.absolute || !cwd ? root : cwd;
    let queue = sp.names;
    let i = 0;
    let links = 0;

    while (i < queue.length) {
      const name = queue[i];
      if (!isDir(cur.d.ftype)) throw new SysError(E.ENOTDIR);
      if (name === ".") {
        i++;
        continue;
      }
      if (name === "..") {
        cur = this.parentOf(cur);
        i++;
        continue;
      }
      const m = this.mounts.at(cur.d, name);
      if (m) {
        cur = { mnt: m, d: m.fs.root };
        i++;
        continue;
      }

      // A name over NAME_MAX fails when the walk reaches it, as in Linux.
      let j = this.runEnd(cur.d, queue, i);
      for (let k = i; k < j; k++) {
        if (nameTooLong(queue[k])) {
          if (k === i) throw new SysError(E.ENAMETOOLONG);
          j = k;
        }
      }
      const res = await cur.d.fs.walk(cur.d, queue.slice(i, j));

      // Take the dentries the walk gave, stopping at a symlink to follow.
      let followed = false;
      for (let k = 0; k < res.dentries.length; k++) {
        const d = res.dentries[k];
        const last = i + k === queue.length - 1;
        if (isLnk(d.ftype) && (!last || opts.follow || sp.trailingSlash)) {
          if (++links > MAX_SYMLINKS) throw new SysError(E.ELOOP);
          const target = await d.fs.readlink(d);
          const t = splitPath(target);
          cur = t.absolute ? root : { mnt: cur.mnt, d: d.parent ?? d };
          // A target ending in "/" must be a directory: "." checks it.
          const rest = queue.slice(i + k + 1);
          queue = t.trailingSlash
            ? t.names.concat(".", rest)
            : t.names.concat(rest);
          i = 0;
          followed = true;
          break;
        }
        if (!last && !isDir(d.ftype)) throw new SysError(E.ENOTDIR);
        cur = { mnt: cur.mnt, d };
      }
      if (followed) continue;
      if (res.dentries.length < j - i) {
        throw new SysError(res.errno || E.ENOTDIR);
      }
      i = j;
    }

    if (sp.trailingSlash && !isDir(cur.d.ftype)) {
      throw new SysError(E.ENOTDIR);
    }
    return cur;
  }

  /**
   * runEnd gives the end of the run of names, from i, to hand the
   * filesystem as one walk: every plain name up to the next "." or "..",
   * stopping short of a mount point. Mounts hang only below pinned,
   * cached dentries marked mountsBelow, so the cached chain tells where.
   */
  private runEnd(from: Dentry, queue: string[], i: number): number {
    let d: Dentry | undefined = from;
    let j = i + 1;
    for (; j < queue.length; j++) {
      const name = queue[j];
      if (name === "." || name === "..") break;
      if (d) {
        d = d.mountsBelow ? d.children.get(queue[j - 1]) : undefined;
        if (d?.mountsBelow && this.mounts.at(d, name)) break;
      }
    }
    return j;
  }

  /**
   * resolveParent finds the directory that would hold the last component
   * of path, and that component's name (for create, unlink, rename).
   * A path that ends in "." or ".." or is "/" has no such name: EEXIST
   * for create-type callers is theirs to decide; this gives name "".
   */
  async resolveParent(path: string, cwd?: Loc): Promise<[Loc, string]> {
    const sp = splitPath(path);
    const last = sp.names[sp.names.length - 1];
    if (last === undefined || last === "." || last === "..") {
      return [await this.resolve(path, { follow: true }, cwd), ""];
    }
    const dirPath = (sp.absolute ? "/" : "") +
      (sp.names.length > 1 ? sp.names.slice(0, -1).join("/") : ".");
    const dir = await this.resolve(dirPath, { follow: true }, cwd);
    if (!isDir(dir.d.ftype)) throw new SysError(E.ENOTDIR);
    return [dir, last];
  }

  /** parentOf is "..": never above the root, across mounts upwards. */
  parentOf(loc: Loc): Loc {
    const { mnt, d } = loc;
    if (d !== mnt.fs.root) return { mnt, d: d.parent ?? d };
    if (!mnt.parent || !mnt.parentDir) return loc;
    return { mnt: mnt.parent, d: mnt.parentDir };
  }

  /** pathOf gives the absolute sandbox path of a location (realpath). */
  pathOf(loc: Loc): string {
    const names: string[] = [];
    let { mnt, d } = loc;
    for (;;) {
      if (d === mnt.fs.root) {
        if (!mnt.parent || !mnt.parentDir) break;
        names.push(mnt.name);
        d = mnt.parentDir;
        mnt = mnt.parent;
        continue;
      }
      names.push(d.name);
      d = d.parent!;
    }
    return "/" + names.reverse().join("/");
  }
}
