/**
 * FileHandle and Dir with the shapes of node:fs/promises' own.
 *
 * A FileHandle owns one OpenFile of the VFS until close(); a Dir owns a
 * snapshot of its directory's entries, taken at opendir.
 */
import { Buffer } from "node:buffer";
import { E, SysError } from "../../shared/errno.ts";
import { isDir, isReg } from "../vfs/attr.ts";
import type { OpenFile, VFS } from "../vfs/vfs.ts";
import { edge } from "./errors.ts";
import {
  type BigIntStats,
  Dirent,
  type Stats,
  statsOf,
} from "./stats.ts";

export interface ReadResult<T extends Uint8Array> {
  bytesRead: number;
  buffer: T;
}

export type Encoding = BufferEncoding | null | undefined;

export class FileHandle {
  /** A number naming this open file, unique among the sandbox's. */
  readonly fd: number;

  constructor(
    private readonly vfs: VFS,
    private readonly file: OpenFile,
    fd: number,
    private readonly onClose: (fd: number) => void,
  ) {
    this.fd = fd;
  }

  /**
   * read(buffer, offset?, length?, position?) as FileHandle.read: reads
   * at position, or at the file offset (advancing it) when position is
   * null or undefined.
   */
  async read<T extends Uint8Array>(
    buffer?: T | { buffer?: T; offset?: number; length?: number;
      position?: number | null },
    offset?: number,
    length?: number,
    position?: number | null,
  ): Promise<ReadResult<T>> {
    let buf: T;
    if (buffer && !(buffer instanceof Uint8Array)) {
      buf = (buffer.buffer ?? Buffer.alloc(16384)) as T;
      offset = buffer.offset;
      length = buffer.length;
      position = buffer.position;
    } else {
      buf = (buffer ?? Buffer.alloc(16384)) as T;
    }
    const off = offset ?? 0;
    const len = length ?? buf.length - off;
    const view = buf.subarray(off, off + len);
    const bytesRead = await edge("read", undefined, () =>
      this.vfs.read(this.file, view, position ?? null));
    return { bytesRead, buffer: buf };
  }

  /** readFile reads from the file offset to the end. */
  async readFile(
    options?: Encoding | { encoding?: Encoding },
  ): Promise<Buffer | string> {
    const enc = typeof options === "object" && options !== null
      ? options.encoding
      : options;
    const data = await edge("read", undefined, () =>
      readAll(this.vfs, this.file));
    return enc ? data.toString(enc) : data;
  }

  async write(
    data: Uint8Array | string,
    offsetOrPosition?: number | null,
    length?: number,
    position?: number | null,
  ): Promise<{ bytesWritten: number; buffer: Uint8Array | string }> {
    let bytes: Uint8Array;
    let pos: number | null;
    if (typeof data === "string") {
      bytes = Buffer.from(data);
      pos = offsetOrPosition ?? null;
    } else {
      const off = offsetOrPosition ?? 0;
      bytes = data.subarray(off, off + (length ?? data.length - off));
      pos = position ?? null;
    }
    const bytesWritten = await edge("write", undefined, () =>
      this.vfs.write(this.file, bytes, pos));
    return { bytesWritten, buffer: data };
  }

  stat(opts?: { bigint?: false }): Promise<Stats>;
  stat(opts: { bigint: true }): Promise<BigIntStats>;
  async stat(opts?: { bigint?: boolean }): Promise<Stats | BigIntStats> {
    const a = await edge("fstat", undefined, () => this.vfs.fstat(this.file));
    return statsOf(a, opts);
  }

  async close(): Promise<void> {
    if (this.file.closed) return;
    this.onClose(this.fd);
    await edge("close", undefined, () => this.vfs.close(this.file));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * readAll reads an open file from its offset to the end, sized by its
 * attributes so that a regular file takes one read plus one to see EOF.
 */
/** How much readFile takes from a device that never ends. */
export const DEVICE_READ = 1 << 20;

export async function readAll(vfs: VFS, f: OpenFile): Promise<Buffer> {
  const attr = await vfs.fstat(f);
  if (!isReg(attr.mode) && !isDir(attr.mode)) {
    // A device like /dev/zero never ends: one read of up to 1 MiB.
    const buf = Buffer.allocUnsafe(DEVICE_READ);
    return buf.subarray(0, await vfs.read(f, buf, null));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.max(attr.size - f.pos, 0) + 1;
  if (want < 8192) want = 8192;
  for (;;) {
    const buf = Buffer.allocUnsafe(want);
    const n = await vfs.read(f, buf, null);
    if (n === 0) break;
    chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    total += n;
    if (n < buf.length && attr.size > 0) {
      // A short read at the size we expected is the end for a file.
      if (total >= attr.size) break;
    }
    want = Math.min(Math.max(want, 65536), 1 << 24);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/** Dir is node:fs.Dir over a listing taken when it was opened. */
export class Dir {
  private i = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly entries: Dirent[],
  ) {}

  read(): Promise<Dirent | null> {
    if (this.closed) {
      return Promise.reject(new SysError(E.EBADF, "read"));
    }
    return Promise.resolve(this.entries[this.i++] ?? null);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<Dirent> {
    try {
      for (;;) {
        const d = await this.read();
        if (!d) return;
        yield d;
      }
    } finally {
      await this.close();
    }
  }
}
