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
import type { SandboxFs } from "../api/fs.ts";
import type { Stats } from "../api/stats.ts";

type FileContent = string | Uint8Array;

export class BashFs implements IFileSystem {
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
      return toFsStat(st);
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

  async writeFile(path: string, content: FileContent): Promise<void> {
    await this.fs.writeFile(path, content);
  }

  async appendFile(path: string, content: FileContent): Promise<void> {
    await this.fs.appendFile(path, content);
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

  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    await this.fs.mkdir(path, options);
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
    return this.fs.rm(path, options);
  }

  async cp(src: string, dest: string, _options?: CpOptions): Promise<void> {
    await this.fs.stat(src);
    await this.fs.writeFile(dest, await this.fs.readFile(src));
  }

  mv(src: string, dest: string): Promise<void> {
    return this.fs.rename(src, dest);
  }

  /**
   * resolvePath joins a path to a directory without touching "..": the
   * VFS walks ".." through dentries, as Linux does, so a ".." after a
   * symlink means the link target's parent, not the link's.
   */
  resolvePath(base: string, path: string): string {
    const joined = path.startsWith("/") ? path : `${base}/${path}`;
    const names = joined.split("/").filter((n) => n && n !== ".");
    return "/" + names.join("/");
  }

  getAllPaths(): string[] {
    return [];
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.fs.chmod(path, mode);
  }

  symlink(target: string, linkPath: string): Promise<void> {
    return this.fs.symlink(target, linkPath);
  }

  link(existingPath: string, newPath: string): Promise<void> {
    return this.fs.link(existingPath, newPath);
  }

  readlink(path: string): Promise<string> {
    return this.fs.readlink(path);
  }

  realpath(path: string): Promise<string> {
    return this.fs.realpath(path);
  }

  utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    return this.fs.utimes(path, atime, mtime);
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

