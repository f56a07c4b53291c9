/**
 * The gofer's fid table: which host fds each of the client's fids holds.
 *
 * Ownership: a Fid owns its O_PATH fd (pathFd) and, once opened, its I/O
 * fd (ioFd); FidTable.clunk and clear close both. The root fd the gofer
 * was started with is never in the table: attach dups it.
 */
import { E, SysError } from "../shared/errno.ts";
import * as sys from "../shared/sys/libc.ts";

export interface Fid {
  pathFd: number;
  /** S_IFMT bits of the file. */
  ftype: number;
  /** The fd opened by Tlopen, or -1. */
  ioFd: number;
}

/** Most fids one client may hold; past it, walks fail with EMFILE. */
export const MAX_FIDS = 65536;

export class FidTable {
  private readonly fids = new Map<number, Fid>();

  get size(): number {
    return this.fids.size;
  }

  /** get gives fid's state, or EBADF for a fid not in use. */
  get(fid: number): Fid {
    const f = this.fids.get(fid);
    if (!f) throw new SysError(E.EBADF);
    return f;
  }

  has(fid: number): boolean {
    return this.fids.has(fid);
  }

  /**
   * set binds fid to f, taking ownership of its fds. A fid in use is
   * EBADF (9P forbids reusing one), unless replace says to close it.
   */
  set(fid: number, f: Fid, replace = false): void {
    const old = this.fids.get(fid);
    if (old) {
      if (!replace) {
        closeFid(f);
        throw new SysError(E.EBADF);
      }
      closeFid(old);
    } else if (this.fids.size >= MAX_FIDS) {
      closeFid(f);
      throw new SysError(E.EMFILE);
    }
    this.fids.set(fid, f);
  }

  clunk(fid: number): void {
    const f = this.get(fid);
    this.fids.delete(fid);
    closeFid(f);
  }

  clear(): void {
    for (const f of this.fids.values()) closeFid(f);
    this.fids.clear();
  }
}

function closeFid(f: Fid): void {
  if (f.ioFd >= 0) sys.close(f.ioFd);
  if (f.pathFd >= 0) sys.close(f.pathFd);
  f.ioFd = f.pathFd = -1;
}
