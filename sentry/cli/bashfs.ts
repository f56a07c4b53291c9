/**
 * BashFs: just-bash's IFileSystem over the sandbox's fs API, so its shell
 * and coreutils run against the VFS.
 *
 * Two facts about just-bash shape it. Given a filesystem with
 * mkdirSync/writeFileSync, just-bash lays out directories and writes a
 * stub per command into /usr/bin; BashFs has neither method, so nothing
 * is ever written for it. And just-bash runs a built-in command only if
 * /usr/bin/NAME or /bin/NAME exists and is executable; where the rootfs
 * has no such file, BashFs shows a virtual one (an empty executable that
 * exists for stat and exists() only), so every built-in runs.
 */
import type {
  BufferEncoding as BashEncoding,
  CpOptions,
  FsStat,
  IFileSystem,
  MkdirOptions,
  RmOptions,
} from "just-bash";

interface DirentEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}
import { Buffer } from "node:buffer";
import { errnoMessage } from "../../shared/errno.ts";
import { FsError } from "../api/errors.ts";
import type { SandboxFs } from "../api/fs.ts";
import type { Stats } from "../api/stats.ts";

type FileContent = string | Uint8Array;

/** A file directly in a PATH directory (PATH is /usr/bin:/bin). */
const ON_PATH = /^\/(?:usr\/)?bin\/[^/]+$/;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export class BashFs implements IFileSystem {
  /** isElf's answers, by "dev:ino:mtime". */
  private readonly elf = new Map<string, boolean>();

  constructor(
    private readonly fs: SandboxFs,
    private readonly builtins: Set<string>,
  ) {}

  /** The command name if path is a virtual built-in stub's. */
  private stubName(path: string): string | null {
    const m = /^\/(?:usr\/)?bin\/([^/]+)$/.exec(path);
    return m && this.builtins.has(m[1]) ? m[1] : null;
  }

  private async statOrStub(
    path: string,
    follow: boolean,
  ): Promise<FsStat> {
    try {
      const st = follow
        ? await this.fs.stat(path)
        : await this.fs.lstat(path);
      const out = toFsStat(st);
      if (follow && out.mode & 0o111 && out.isFile && ON_PATH.test(path) &&
        await this.isElf(path, st)) {
        // just-bash would parse it as a script; it is not one.
        out.mode &= ~0o111;
      }
      return out;
    } catch (e) {
      if (this.stubName(path) && (e as { code?: string }).code === "ENOENT") {
        return {
          isFile: true, isDirectory: false, isSymbolicLink: false,
          mode: 0o100755, size: 0, mtime: new Date(0),
        };
      }
      throw e;
    }
  }

  /** Whether the file at path starts with ELF's magic; kept by inode. */
  private async isElf(path: string, st: Stats): Promise<boolean> {
    const key = `${st.dev}:${st.ino}:${st.mtimeMs}`;
    let elf = this.elf.get(key);
    if (elf === undefined) {
      const h = await this.fs.open(path);
      try {
        const magic = Buffer.alloc(4);
        await h.read(magic, 0, 4, 0);
        elf = magic.equals(ELF_MAGIC);
      } finally {
        await h.close();
      }
      this.elf.set(key, elf);
    }
    return elf;
  }

  async readFile(
    path: string,
    options?: { encoding?: BashEncoding | null } | BashEncoding,
  ): Promise<string> {
    const enc = typeof options === "string"
      ? options
      : options?.encoding ?? "utf8";
    const data = await this.fs.readFile(path);
    return data.toString(enc as BufferEncoding);
  }

  async readFileBytes(path: string) {
    const data = await this.fs.readFile(path);
    return data.toString("latin1") as never;
  }

  async readFileBuffer(path: string): Promise<Uint8Array> {
    return new Uint8Array(await this.fs.readFile(path));
  }

  writeFile(path: string, content: FileContent): Promise<void> {
    return shellError(this.fs.writeFile(path, content));
  }

  appendFile(path: string, content: FileContent): Promise<void> {
    return shellError(this.fs.appendFile(path, content));
  }

  async exists(path: string): Promise<boolean> {
    if (path.includes("\0")) return false;
    try {
      await this.fs.stat(path);
      return true;
    } catch {
      return this.stubName(path) !== null;
    }
  }

  stat(path: string): Promise<FsStat> {
    return this.statOrStub(path, true);
  }

  lstat(path: string): Promise<FsStat> {
    return this.statOrStub(path, false);
  }

  /**
   * mkdir, and with recursive (mkdir -p) each missing directory in turn,
   * as coreutils does: on a read-only tree the first one fails with EROFS
   * (node:fs's recursive mkdir would say ENOENT).
   */
  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    if (!options?.recursive || !path.startsWith("/")) {
      await shellError(this.fs.mkdir(path, options));
      return;
    }
    let prefix = "";
    for (const name of path.split("/").filter((n) => n !== "")) {
      prefix += "/" + name;
      const st = await this.fs.stat(prefix).catch(() => null);
      if (st?.isDirectory()) continue;
      // Not a directory: the whole path fails as Linux says (EEXIST at
      // the end, else ENOTDIR); missing: making it fails (EROFS).
      await shellError(this.fs.mkdir(st ? path : prefix));
    }
  }

  readdir(path: string): Promise<string[]> {
    return this.fs.readdir(path);
  }

  async readdirWithFileTypes(path: string): Promise<DirentEntry[]> {
    const ents = await this.fs.readdir(path, { withFileTypes: true });
    return ents.map((d) => ({
      name: d.name,
      isFile: d.isFile(),
      isDirectory: d.isDirectory(),
      isSymbolicLink: d.isSymbolicLink(),
    }));
  }

  rm(path: string, options?: RmOptions): Promise<void> {
    return shellError(this.fs.rm(path, options));
  }

  async cp(src: string, dest: string, _options?: CpOptions): Promise<void> {
    await this.fs.stat(src);
    await shellError(this.fs.writeFile(dest, await this.fs.readFile(src)));
  }

  mv(src: string, dest: string): Promise<void> {
    return shellError(this.fs.rename(src, dest));
  }

  /**
   * resolvePath joins a path to a directory without touching "..": the
   * VFS walks ".." through dentries, as Linux does, so a ".." after a
   * symlink means the link target's parent, not the link's.
   */
  resolvePath(base: string, path: string): string {
    const joined = path.startsWith("/") ? path : `${base}/${path}`;
    const names = joined.split("/").filter((n) => n && n !== ".");
    // A trailing slash (or "/.") asks for a directory: keep it for the VFS.
    const dirOnly = names.length > 0 && /\/\.?$/.test(joined);
    return "/" + names.join("/") + (dirOnly ? "/" : "");
  }

  getAllPaths(): string[] {
    return [];
  }

  chmod(path: string, mode: number): Promise<void> {
    return shellError(this.fs.chmod(path, mode));
  }

  symlink(target: string, linkPath: string): Promise<void> {
    return shellError(this.fs.symlink(target, linkPath));
  }

  link(existingPath: string, newPath: string): Promise<void> {
    return shellError(this.fs.link(existingPath, newPath));
  }

  readlink(path: string): Promise<string> {
    return this.fs.readlink(path);
  }

  realpath(path: string): Promise<string> {
    return this.fs.realpath(path);
  }

  utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    return shellError(this.fs.utimes(path, atime, mtime));
  }
}

/**
 * shellError rewords a failed change the way bash and coreutils say it
 * ("Read-only file system"), keeping its code. just-bash prints the
 * message, after blanking anything in it that looks like a host path, so
 * Node's form ("EROFS: ..., open '/etc/f'") would come out as "<path>".
 */
async function shellError<T>(op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    const text = errnoMessage(-e.errno);
    const err = new Error(text[0].toUpperCase() + text.slice(1));
    throw Object.assign(err, { code: e.code, errno: e.errno });
  }
}

function toFsStat(st: Stats): FsStat {
  return {
    isFile: st.isFile(),
    isDirectory: st.isDirectory(),
    isSymbolicLink: st.isSymbolicLink(),
    mode: st.mode,
    size: st.size,
    mtime: st.mtime,
    dev: st.dev,
    ino: st.ino,
  };
}

