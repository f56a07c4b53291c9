/**
 * SandboxFs: a node:fs/promises-shaped view of a sandbox's VFS.
 *
 * Paths are sandbox paths: absolute from the sandbox's "/", or relative
 * to it. Errors look like Node's own (FsError: code, errno, syscall, path,
 * message). Changes fail as they would on a read-only Linux mount, after
 * the checks Linux makes first (EEXIST, ENOENT, ENOTDIR).
 */
import { Buffer } from "node:buffer";
import { E, SysError } from "../../shared/errno.ts";
import { isDir } from "../vfs/attr.ts";
import * as V from "../vfs/vfs.ts";
import type { VFS } from "../vfs/vfs.ts";
import { edge, FsError } from "./errors.ts";
import { Dir, type Encoding, FileHandle, readAll } from "./handle.ts";
import { type BigIntStats, Dirent, type Stats, statsOf } from "./stats.ts";

/** node:fs's string flags as open(2) flags. */
const FLAGS: Record<string, number> = {
  "r": V.O_RDONLY,
  "rs": V.O_RDONLY,
  "sr": V.O_RDONLY,
  "r+": V.O_RDWR,
  "rs+": V.O_RDWR,
  "sr+": V.O_RDWR,
  "w": V.O_TRUNC | V.O_CREAT | V.O_WRONLY,
  "wx": V.O_TRUNC | V.O_CREAT | V.O_WRONLY | V.O_EXCL,
  "xw": V.O_TRUNC | V.O_CREAT | V.O_WRONLY | V.O_EXCL,
  "w+": V.O_TRUNC | V.O_CREAT | V.O_RDWR,
  "wx+": V.O_TRUNC | V.O_CREAT | V.O_RDWR | V.O_EXCL,
  "xw+": V.O_TRUNC | V.O_CREAT | V.O_RDWR | V.O_EXCL,
  "a": V.O_APPEND | V.O_CREAT | V.O_WRONLY,
  "ax": V.O_APPEND | V.O_CREAT | V.O_WRONLY | V.O_EXCL,
  "xa": V.O_APPEND | V.O_CREAT | V.O_WRONLY | V.O_EXCL,
  "as": V.O_APPEND | V.O_CREAT | V.O_WRONLY,
  "sa": V.O_APPEND | V.O_CREAT | V.O_WRONLY,
  "a+": V.O_APPEND | V.O_CREAT | V.O_RDWR,
  "ax+": V.O_APPEND | V.O_CREAT | V.O_RDWR | V.O_EXCL,
  "xa+": V.O_APPEND | V.O_CREAT | V.O_RDWR | V.O_EXCL,
  "as+": V.O_APPEND | V.O_CREAT | V.O_RDWR,
  "sa+": V.O_APPEND | V.O_CREAT | V.O_RDWR,
};

function openFlags(flags: string | number | undefined): number {
  if (flags === undefined) return V.O_RDONLY;
  if (typeof flags === "number") return flags;
  const f = FLAGS[flags];
  if (f === undefined) {
    const e = new TypeError(`invalid flags: ${flags}`);
    (e as { code?: string }).code = "ERR_INVALID_ARG_VALUE";
    throw e;
  }
  return f;
}

type PathLike = string | URL | Uint8Array;

function pathOf(p: PathLike): string {
  if (typeof p === "string") return p;
  if (p instanceof URL) {
    if (p.protocol !== "file:") throw new TypeError("URL must be file:");
    return decodeURIComponent(p.pathname);
  }
  return Buffer.from(p).toString();
}

function encodingOf(o: unknown): Encoding {
  if (typeof o === "string") return o as BufferEncoding;
  if (o && typeof o === "object" && "encoding" in o) {
    return (o as { encoding?: Encoding }).encoding;
  }
  return undefined;
}

export interface ReaddirOptions {
  withFileTypes?: boolean;
  recursive?: boolean;
  encoding?: Encoding;
}

export class SandboxFs {
  /** Sandbox fds start above the three a process inherits. */
  private nextFd = 3;
  private readonly handles = new Map<number, FileHandle>();

  constructor(private readonly vfs: VFS) {}

  /** The access-mode constants node:fs exports. */
  readonly constants = {
    F_OK: V.F_OK, R_OK: V.R_OK, W_OK: V.W_OK, X_OK: V.X_OK,
    O_RDONLY: V.O_RDONLY, O_WRONLY: V.O_WRONLY, O_RDWR: V.O_RDWR,
    O_CREAT: V.O_CREAT, O_EXCL: V.O_EXCL, O_TRUNC: V.O_TRUNC,
    O_APPEND: V.O_APPEND, O_DIRECTORY: V.O_DIRECTORY,
    O_NOFOLLOW: V.O_NOFOLLOW,
  };

  stat(path: PathLike, opts?: { bigint?: false }): Promise<Stats>;
  stat(path: PathLike, opts: { bigint: true }): Promise<BigIntStats>;
  async stat(
    path: PathLike,
    opts?: { bigint?: boolean },
  ): Promise<Stats | BigIntStats> {
    const p = pathOf(path);
    return statsOf(await edge("stat", p, () => this.vfs.stat(p, true)), opts);
  }

  lstat(path: PathLike, opts?: { bigint?: false }): Promise<Stats>;
  lstat(path: PathLike, opts: { bigint: true }): Promise<BigIntStats>;
  async lstat(
    path: PathLike,
    opts?: { bigint?: boolean },
  ): Promise<Stats | BigIntStats> {
    const p = pathOf(path);
    const a = await edge("lstat", p, () => this.vfs.stat(p, false));
    return statsOf(a, opts);
  }

  async readlink(path: PathLike, _options?: unknown): Promise<string> {
    const p = pathOf(path);
    return edge("readlink", p, () => this.vfs.readlink(p));
  }

  async realpath(path: PathLike, _options?: unknown): Promise<string> {
    const p = pathOf(path);
    return edge("realpath", p, () => this.vfs.realpath(p));
  }

  async access(path: PathLike, mode = V.F_OK): Promise<void> {
    const p = pathOf(path);
    return edge("access", p, () => this.vfs.access(p, mode));
  }

  readdir(
    path: PathLike,
    options: ReaddirOptions & { withFileTypes: true },
  ): Promise<Dirent[]>;
  readdir(
    path: PathLike,
    options?: ReaddirOptions | BufferEncoding,
  ): Promise<string[]>;
  async readdir(
    path: PathLike,
    options?: ReaddirOptions | BufferEncoding,
  ): Promise<string[] | Dirent[]> {
    const p = pathOf(path);
    const o = typeof options === "object" ? options : {};
    const dirents = await edge("scandir", p, () => this.list(p, !!o.recursive));
    return o.withFileTypes ? dirents : dirents.map((d) =>
      d.parentPath === p ? d.name : relative(p, d.parentPath, d.name));
  }

  private async list(path: string, recursive: boolean): Promise<Dirent[]> {
    const entries = await this.vfs.readdir(path);
    const out = entries.map((e) => new Dirent(e, path));
    if (!recursive) return out;
    for (const d of out.slice()) {
      if (!d.isDirectory()) continue;
      out.push(...await this.list(join(path, d.name), true));
    }
    return out;
  }

  async opendir(path: PathLike): Promise<Dir> {
    const p = pathOf(path);
    const entries = await edge("opendir", p, () => this.list(p, false));
    return new Dir(p, entries);
  }

  async open(
    path: PathLike,
    flags?: string | number,
    _mode?: number,
  ): Promise<FileHandle> {
    const p = pathOf(path);
    const f = openFlags(flags);
    const file = await edge("open", p, () => this.vfs.openFile(p, f));
    const fd = this.nextFd++;
    const h = new FileHandle(this.vfs, file, fd, (n) => this.handles.delete(n));
    this.handles.set(fd, h);
    return h;
  }

  readFile(
    path: PathLike | FileHandle,
    options: BufferEncoding | { encoding: BufferEncoding; flag?: string },
  ): Promise<string>;
  readFile(
    path: PathLike | FileHandle,
    options?: { encoding?: null; flag?: string } | null,
  ): Promise<Buffer>;
  async readFile(
    path: PathLike | FileHandle,
    options?: unknown,
  ): Promise<string | Buffer> {
    if (path instanceof FileHandle) {
      return path.readFile(encodingOf(options) as BufferEncoding);
    }
    const p = pathOf(path);
    const enc = encodingOf(options);
    const flag = (options as { flag?: string } | null)?.flag;
    const data = await edge("open", p, async () => {
      const f = await this.vfs.openFile(p, openFlags(flag ?? "r"));
      try {
        if (isDir(f.loc.d.ftype)) throw new SysError(E.EISDIR, "read");
        return await readAll(this.vfs, f);
      } finally {
        await this.vfs.close(f);
      }
    }).catch((e) => {
      if (e instanceof FsError && e.code === "EISDIR") {
        throw new FsError(E.EISDIR, "read");
      }
      throw e;
    });
    return enc ? data.toString(enc) : data;
  }

  async writeFile(
    path: PathLike,
    data: string | Uint8Array,
    options?: unknown,
  ): Promise<void> {
    const p = pathOf(path);
    const flag = (options as { flag?: string })?.flag ?? "w";
    await this.writeAll(p, openFlags(flag), data);
  }

  async appendFile(
    path: PathLike,
    data: string | Uint8Array,
    _options?: unknown,
  ): Promise<void> {
    await this.writeAll(pathOf(path), openFlags("a"), data);
  }

  private async writeAll(p: string, flags: number, data: string | Uint8Array) {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    await edge("open", p, async () => {
      const f = await this.vfs.openFile(p, flags);
      try {
        let done = 0;
        while (done < bytes.length) {
          done += await this.vfs.write(f, bytes.subarray(done), null);
        }
      } finally {
        await this.vfs.close(f);
      }
    });
  }

  async mkdir(
    path: PathLike,
    options?: { recursive?: boolean; mode?: number } | number,
  ): Promise<string | undefined> {
    const p = pathOf(path);
    const recursive = typeof options === "object" && !!options.recursive;
    if (recursive) {
      const st = await this.vfs.stat(p, true).catch(() => null);
      if (st && isDir(st.mode)) return undefined;
    }
    return edge("mkdir", p, () => this.vfs.refuseChange(p, false));
  }

  async rmdir(path: PathLike): Promise<void> {
    const p = pathOf(path);
    return edge("rmdir", p, () => this.vfs.refuseChange(p, true));
  }

  async unlink(path: PathLike): Promise<void> {
    const p = pathOf(path);
    return edge("unlink", p, () => this.vfs.refuseChange(p, true));
  }

  async rm(path: PathLike, options?: { force?: boolean }): Promise<void> {
    const p = pathOf(path);
    try {
      await edge("rm", p, () => this.vfs.refuseChange(p, true));
    } catch (e) {
      if (options?.force && (e as FsError).code === "ENOENT") return;
      throw e;
    }
  }

  async rename(oldPath: PathLike, newPath: PathLike): Promise<void> {
    const o = pathOf(oldPath);
    return edge("rename", o, () => this.vfs.refuseChange(o, true),
      pathOf(newPath));
  }

  async symlink(target: PathLike, path: PathLike): Promise<void> {
    const p = pathOf(path);
    return edge("symlink", pathOf(target),
      () => this.vfs.refuseChange(p, false), p);
  }

  async link(existing: PathLike, newPath: PathLike): Promise<void> {
    const e = pathOf(existing);
    const n = pathOf(newPath);
    return edge("link", e, async () => {
      await this.vfs.stat(e, false);
      return this.vfs.refuseChange(n, false);
    }, n);
  }

  async chmod(path: PathLike, _mode: number): Promise<void> {
    return this.refuseAttr("chmod", pathOf(path));
  }

  async chown(path: PathLike, _uid: number, _gid: number): Promise<void> {
    return this.refuseAttr("chown", pathOf(path));
  }

  async utimes(path: PathLike, _a: unknown, _m: unknown): Promise<void> {
    return this.refuseAttr("utime", pathOf(path));
  }

  async truncate(path: PathLike, _len?: number): Promise<void> {
    const p = pathOf(path);
    return edge("open", p, async () => {
      const f = await this.vfs.openFile(p, V.O_WRONLY);
      await this.vfs.close(f);
    });
  }

  private refuseAttr(syscall: string, p: string): Promise<void> {
    return edge(syscall, p, async () => {
      const loc = await this.vfs.resolve(p, true);
      if (this.vfs.isReadOnly(loc)) throw new SysError(E.EROFS);
      throw new SysError(E.EPERM);
    });
  }
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function relative(root: string, parent: string, name: string): string {
  const base = root.endsWith("/") ? root : root + "/";
  return parent.slice(base.length) + "/" + name;
}
