/**
 * The sentry's own /dev: null, zero, full, random and urandom, as Linux's
 * drivers/char/mem.c and random.c behave. Mounted over the rootfs's /dev
 * so that redirections work and host device nodes are never opened.
 */
import { E, SysError } from "../../shared/errno.ts";
import type { Attr, DirEntry, StatFs } from "../vfs/attr.ts";
import { S_IFCHR, S_IFDIR } from "../vfs/attr.ts";
import { Dentry } from "../vfs/dentry.ts";
import type { FileImpl, Filesystem, WalkResult } from "../vfs/filesystem.ts";

type Kind = "null" | "zero" | "full" | "random" | "urandom";

/** Major 1 minor numbers of the memory devices. */
const MINOR: Record<Kind, number> = {
  null: 3, zero: 5, full: 7, random: 8, urandom: 9,
};

const DEV_MAGIC = 0x01021994; // tmpfs's, as Linux's devtmpfs reports

export class DevFs implements Filesystem {
  readonly kind = "dev";
  readonly readOnly = false;
  readonly root: Dentry;
  private readonly born = Math.floor(Date.now() / 1000);
  private readonly devices = new Map<string, Dentry>();

  constructor() {
    this.root = new Dentry(this, null, "", S_IFDIR, 1);
    this.root.pinned = true;
    let ino = 2;
    for (const name of Object.keys(MINOR)) {
      const d = new Dentry(this, this.root, name, S_IFCHR, ino++);
      d.pinned = true;
      this.devices.set(name, d);
      this.root.children.set(name, d);
    }
  }

  walk(d: Dentry, names: string[]): Promise<WalkResult> {
    const dentries: Dentry[] = [];
    if (d !== this.root) return Promise.resolve({ dentries, errno: 0 });
    const dev = this.devices.get(names[0]);
    if (!dev) return Promise.resolve({ dentries, errno: E.ENOENT });
    dentries.push(dev);
    return Promise.resolve({ dentries, errno: 0 });
  }

  private attrOf(d: Dentry): Attr {
    const t = this.born;
    const dir = d === this.root;
    return {
      dev: 5, ino: d.ino, mode: dir ? S_IFDIR | 0o755 : S_IFCHR | 0o666,
      nlink: dir ? 2 : 1, uid: 0, gid: 0,
      rdev: dir ? 0 : 256 + MINOR[d.name as Kind], size: 0, blksize: 4096,
      blocks: 0, atimeSec: t, atimeNsec: 0, mtimeSec: t, mtimeNsec: 0,
      ctimeSec: t, ctimeNsec: 0, btimeSec: t, btimeNsec: 0,
    };
  }

  getattr(d: Dentry): Promise<Attr> {
    return Promise.resolve(this.attrOf(d));
  }

  readlink(_d: Dentry): Promise<string> {
    return Promise.reject(new SysError(E.EINVAL));
  }

  readdir(_d: Dentry): Promise<DirEntry[]> {
    return Promise.resolve([...this.devices.values()].map((d) => ({
      name: d.name, ino: d.ino, type: S_IFCHR, attr: this.attrOf(d),
    })));
  }

  open(d: Dentry, _flags: number): Promise<FileImpl> {
    if (d === this.root) return Promise.resolve(new DirFile(this.attrOf(d)));
    return Promise.resolve(new DevFile(d.name as Kind, this.attrOf(d)));
  }

  statfs(_d: Dentry): Promise<StatFs> {
    return Promise.resolve({
      type: DEV_MAGIC, bsize: 4096, blocks: 0, bfree: 0, bavail: 0,
      files: 0, ffree: 0, namelen: 255,
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class DirFile implements FileImpl {
  constructor(private readonly attr: Attr) {}
  read(): Promise<number> {
    return Promise.reject(new SysError(E.EISDIR));
  }
  stat(): Promise<Attr> {
    return Promise.resolve(this.attr);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

class DevFile implements FileImpl {
  constructor(private readonly kind: Kind, private readonly attr: Attr) {}

  read(buf: Uint8Array, _pos: number): Promise<number> {
    switch (this.kind) {
      case "null":
        return Promise.resolve(0);
      case "zero":
      case "full":
        buf.fill(0);
        return Promise.resolve(buf.length);
      default:
        for (let i = 0; i < buf.length; i += 65536) {
          crypto.getRandomValues(buf.subarray(i, i + 65536));
        }
        return Promise.resolve(buf.length);
    }
  }

  write(buf: Uint8Array, _pos: number): Promise<number> {
    if (this.kind === "full") return Promise.reject(new SysError(E.ENOSPC));
    return Promise.resolve(buf.length);
  }

  stat(): Promise<Attr> {
    return Promise.resolve(this.attr);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
