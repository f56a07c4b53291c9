/**
 * Open files of the gofer filesystem.
 *
 * DonatedFile reads and writes the host fd the gofer passed over
 * SCM_RIGHTS, with no round trip. The fd is a HostFd: counted references,
 * closed when the last goes, so several open files (and the filesystem's
 * cache of read handles) can share one. FidFile is the fallback for a
 * server that donates nothing: data moves in Tread/Twrite on an open fid,
 * which it clunks on close().
 */
import { E, SysError } from "../../../shared/errno.ts";
import { statxToWire } from "../../../shared/p9/ext.ts";
import { MT } from "../../../shared/p9/types.ts";
import { close as closeFd } from "../../../shared/sys/fds.ts";
import { pread, pwrite } from "../../../shared/sys/io.ts";
import { fstat } from "../../../shared/sys/stat.ts";
import type { Attr } from "../../vfs/attr.ts";
import type { FileImpl } from "../../vfs/filesystem.ts";
import { type Client, expect } from "./client.ts";
import { type FidAllocator, rgetattrToAttr, wireToAttr } from "./conn.ts";

/** HostFd is a donated host fd with a reference count. */
export class HostFd {
  private refs = 1;

  constructor(readonly fd: number) {}

  /** ref adds a holder; the fd must still be open. */
  ref(): this {
    if (this.refs <= 0) throw new SysError(E.EBADF);
    this.refs++;
    return this;
  }

  /** unref drops a holder and closes the fd after the last. */
  unref(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) closeFd(this.fd);
  }
}

export class DonatedFile implements FileImpl {
  private fd: number;

  /** Takes over one reference to host. */
  constructor(private readonly host: HostFd, readonly openAttr: Attr) {
    this.fd = host.fd;
  }

  /** another opens one more file on the same host fd. */
  another(attr: Attr): DonatedFile {
    if (this.fd < 0) throw new SysError(E.EBADF);
    return new DonatedFile(this.host.ref(), attr);
  }

  read(buf: Uint8Array, pos: number): Promise<number> {
    try {
      return Promise.resolve(pread(this.fd, buf, pos));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  write(buf: Uint8Array, pos: number): Promise<number> {
    try {
      return Promise.resolve(pwrite(this.fd, buf, pos));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  stat(): Promise<Attr> {
    try {
      return Promise.resolve(wireToAttr(statxToWire(fstat(this.fd))));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  close(): Promise<void> {
    if (this.fd >= 0) this.host.unref();
    this.fd = -1;
    return Promise.resolve();
  }
}

export class FidFile implements FileImpl {
  private open = true;

  constructor(
    private readonly client: Client,
    private readonly fid: number,
    readonly openAttr: Attr,
    private readonly fids: FidAllocator,
  ) {}

  async read(buf: Uint8Array, pos: number): Promise<number> {
    let done = 0;
    const max = this.client.msize - 24;
    while (done < buf.length) {
      const count = Math.min(max, buf.length - done);
      const r = await this.client.request({
        type: MT.Tread, fid: this.fid, offset: BigInt(pos + done), count,
      });
      const data = expect(r, MT.Rread).data;
      if (data.length > count) throw new SysError(E.EPROTO);
      buf.set(data, done);
      done += data.length;
      if (data.length < count) break;
    }
    return done;
  }

  async write(buf: Uint8Array, pos: number): Promise<number> {
    const r = await this.client.request({
      type: MT.Twrite, fid: this.fid, offset: BigInt(pos), data: buf,
    });
    return expect(r, MT.Rwrite).count;
  }

  async stat(): Promise<Attr> {
    const r = await this.client.request({
      type: MT.Tgetattr, fid: this.fid, requestMask: 0x3fffn,
    });
    return rgetattrToAttr(expect(r, MT.Rgetattr));
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.client.request({ type: MT.Tclunk, fid: this.fid })
      .catch(() => {});
    this.fids.free(this.fid);
  }
}
