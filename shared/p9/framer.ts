/**
 * Framer cuts a 9P byte stream, arriving in chunks split anywhere, into
 * whole frames.
 *
 * It owns nothing but references to the chunks pushed and not yet
 * consumed. A frame that lies inside one chunk is returned as a view of
 * that chunk, without copying; one spread over chunks is copied into a
 * fresh array. So a caller must not reuse a chunk's memory after pushing
 * it (copy first if the reader reuses one buffer, as Deno's conn.read
 * does).
 */

import { E, SysError } from "../errno.ts";
import { headerSize } from "./types.ts";

/** The framer's state after a bad size field: final. */
export interface FramerError {
  error: string;
}

export class Framer {
  /** Largest frame accepted: the negotiated msize. */
  private maxSize: number;
  /** Pushed chunks; those before `head` are consumed. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** Bytes of chunks[head] already consumed. */
  private offset = 0;
  /** Bytes pushed and not yet consumed. */
  private buffered = 0;
  /** Set once a size field is out of bounds; never cleared. */
  private failed: FramerError | null = null;

  /**
   * maxSize bounds every frame's size field: an integer from headerSize
   * to 2^32-1, else SysError(EINVAL) is thrown.
   */
  constructor(maxSize: number) {
    this.maxSize = checkMax(maxSize);
  }

  /**
   * setMaxSize changes the bound, as after Tversion agreed an msize.
   * Frames already returned are not rechecked.
   */
  setMaxSize(n: number): void {
    this.maxSize = checkMax(n);
  }

  /** push appends bytes from the stream; see the file doc on reuse. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * next returns the next whole frame, null until one has fully arrived,
   * or an error when a size field is below headerSize or above maxSize.
   * After an error the stream has lost its frame boundaries and cannot be
   * resynchronised: every later call returns the same error, and the
   * caller must drop the connection.
   */
  next(): Uint8Array | FramerError | null {
    if (this.failed) return this.failed;
    if (this.buffered < 4) return null;

    // Check the size field as soon as it is here, before the body.
    const size = this.peekSize();
    if (size < headerSize || size > this.maxSize) {
      const want = `${headerSize}..${this.maxSize}`;
      this.failed = { error: `frame size ${size} not in ${want}` };
      this.chunks = [];
      this.head = this.offset = this.buffered = 0;
      return this.failed;
    }
    if (this.buffered < size) return null;
    return this.take(size);
  }

  /** peekSize reads the u32 size at the front without consuming it. */
  private peekSize(): number {
    const c = this.chunks[this.head];
    const o = this.offset;
    if (c.length - o >= 4) {
      return (c[o] | c[o + 1] << 8 | c[o + 2] << 16 | c[o + 3] << 24) >>> 0;
    }
    let v = 0;
    let i = this.head;
    let j = o;
    for (let k = 0; k < 4; k++) {
      while (j >= this.chunks[i].length) {
        i++;
        j = 0;
      }
      v += this.chunks[i][j++] * 2 ** (8 * k);
    }
    return v;
  }

  /** take consumes n buffered bytes (n <= buffered) as one array. */
  private take(n: number): Uint8Array {
    this.buffered -= n;
    const first = this.chunks[this.head];
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return out;
    }

    // Gather from several chunks.
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[this.head];
      const k = Math.min(c.length - this.offset, n - got);
      out.set(c.subarray(this.offset, this.offset + k), got);
      got += k;
      this.advance(k);
    }
    return out;
  }

  /** advance moves past k bytes, all within chunks[head]. */
  private advance(k: number): void {
    this.offset += k;
    if (this.offset < this.chunks[this.head].length) return;
    this.offset = 0;
    this.head++;

    // Drop consumed chunks once they are the larger part of the list.
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

function checkMax(n: number): number {
  if (!Number.isInteger(n) || n < headerSize || n > 0xffff_ffff) {
    const err = new SysError(E.EINVAL, "Framer");
    err.message += `: max frame size ${n}`;
    throw err;
  }
  return n;
}
