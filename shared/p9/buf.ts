/**
 * Little-endian readers and writers for 9P's wire types.
 *
 * Writer fills a buffer whose size the caller computed beforehand and
 * throws SysError(EINVAL) on a value the wire cannot carry: that is a
 * programming error in the caller. Reader never throws: a read past the
 * end or a malformed field records the first error, returns a zero value
 * and makes every later read fail too, so a decoder reads all its fields
 * and checks `error` once at the end.
 */

import { E, SysError } from "../errno.ts";
import type { Qid } from "./types.ts";

/** Bytes of a qid on the wire: type[1] version[4] path[8]. */
export const QID_SIZE = 13;

const MAX_U64 = 0xffff_ffff_ffff_ffffn;
const MAX_U16 = 0xffff;

/** Longer strings go through TextEncoder/TextDecoder, shorter by hand. */
const SHORT_STRING = 32;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * utf8Length is the number of bytes TextEncoder makes of s. A lone
 * surrogate counts 3 bytes, as TextEncoder writes it as U+FFFD.
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** An EINVAL naming what the wire could not carry. */
export function invalid(what: string): SysError {
  const err = new SysError(E.EINVAL, "p9 encode");
  err.message += `: ${what}`;
  return err;
}

/** Writer puts wire values into a buffer of a size fixed up front. */
export class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Offset of the next byte to write. */
  pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(v: number): void {
    if ((v & 0xff) !== v) throw invalid(`u8 out of range: ${v}`);
    this.bytes[this.pos++] = v;
  }

  u16(v: number): void {
    if ((v & 0xffff) !== v) throw invalid(`u16 out of range: ${v}`);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    if (v >>> 0 !== v) throw invalid(`u32 out of range: ${v}`);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  u64(v: bigint): void {
    if (typeof v !== "bigint" || v < 0n || v > MAX_U64) {
      throw invalid(`u64 out of range: ${v}`);
    }
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
  }

  /** A string as len[2] then UTF-8 bytes. */
  str(s: string): void {
    const start = this.pos + 2;
    let n = 0;
    if (s.length <= SHORT_STRING) {
      // ASCII by hand; fall back at the first wider character.
      const b = this.bytes;
      for (; n < s.length; n++) {
        const c = s.charCodeAt(n);
        if (c >= 0x80) break;
        b[start + n] = c;
      }
    }
    if (n < s.length) {
      const len = utf8Length(s);
      if (len > MAX_U16) throw invalid(`string of ${len} bytes`);
      const dst = this.bytes.subarray(start, start + len);
      n = utf8Encoder.encodeInto(s, dst).written;
    }
    this.view.setUint16(this.pos, n, true);
    this.pos = start + n;
  }

  qid(q: Qid): void {
    this.u8(q.type);
    this.u32(q.version);
    this.u64(q.path);
  }

  /** Raw bytes with no count before them. */
  raw(data: Uint8Array): void {
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }

  /** count[4] then the bytes. */
  data(data: Uint8Array): void {
    this.u32(data.length);
    this.raw(data);
  }
}

/** strSize is the wire size of s: len[2] plus its UTF-8 bytes. */
export function strSize(s: string): number {
  if (s.length <= SHORT_STRING) {
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) {
      ascii = s.charCodeAt(i) < 0x80;
    }
    if (ascii) return 2 + s.length;
  }
  return 2 + utf8Length(s);
}

/**
 * Reader takes wire values from bytes[pos, end). Its results are only
 * meaningful when `error` is still null after the last read. Byte arrays
 * it returns alias the input.
 */
export class Reader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos: number;
  readonly end: number;
  /** The first thing that went wrong, or null. */
  error: string | null = null;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.pos = pos;
    this.end = end;
  }

  /** fail records why reading stopped and makes later reads fail. */
  fail(why: string): void {
    if (this.error === null) this.error = why;
    this.pos = this.end + 1;
  }

  /** have tells whether n more bytes are there, failing if not. */
  private have(n: number): boolean {
    if (this.pos + n <= this.end) return true;
    this.fail("message too short");
    return false;
  }

  /** Bytes not yet read (negative after a failure). */
  get left(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (!this.have(1)) return 0;
    return this.bytes[this.pos++];
  }

  u16(): number {
    if (!this.have(2)) return 0;
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    if (!this.have(4)) return 0;
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    if (!this.have(8)) return 0n;
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * A len[2] string; invalid UTF-8 is an error, or with lossy (for names
   * a host listed: bytes to Linux) each bad sequence becomes U+FFFD, as
   * Node's readdir makes of them.
   */
  str(lossy = false): string {
    const n = this.u16();
    if (!this.have(n)) return "";
    const start = this.pos;
    this.pos += n;
    const b = this.bytes;
    if (n <= SHORT_STRING) {
      let s = "";
      for (let i = start; i < start + n; i++) {
        if (b[i] >= 0x80) return this.utf8(start, n, lossy);
        s += String.fromCharCode(b[i]);
      }
      return s;
    }
    return this.utf8(start, n, lossy);
  }

  private utf8(start: number, n: number, lossy: boolean): string {
    const bytes = this.bytes.subarray(start, start + n);
    if (lossy) return lossyDecoder.decode(bytes);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      this.fail("string is not valid UTF-8");
      return "";
    }
  }

  qid(): Qid {
    return { type: this.u8(), version: this.u32(), path: this.u64() };
  }

  /** n raw bytes, aliasing the input. */
  raw(n: number): Uint8Array {
    if (!this.have(n)) return new Uint8Array(0);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** count[4] then that many bytes, aliasing the input. */
  data(): Uint8Array {
    return this.raw(this.u32());
  }

  /** All bytes still unread, aliasing the input. */
  rest(): Uint8Array {
    return this.raw(Math.max(0, this.left));
  }
}
