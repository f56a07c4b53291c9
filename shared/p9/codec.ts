/**
 * Whole 9P2000.L frames to and from Msg objects.
 *
 * A frame is size[4] type[1] tag[2] then the body, little-endian, where
 * size counts the whole frame. encode trusts its caller and throws on
 * values the wire cannot carry; decode trusts nothing and never throws.
 */

import { invalid, Reader, Writer } from "./buf.ts";
import { baseCodecs } from "./msg_base.ts";
import { fileCodecs } from "./msg_file.ts";
import { packCodecs } from "./msg_pack.ts";
import { indexCodecs } from "./table.ts";
import { headerSize } from "./types.ts";
import type { DecodeResult, Msg } from "./types.ts";

export * from "./types.ts";
export { decodeDirents, direntSize, encodeDirents } from "./dirent.ts";
export type { DirentsResult } from "./dirent.ts";

const MAX_FRAME = 0xffff_ffff;

/** CODECS[type] is the codec for a type number, or undefined. */
const CODECS = indexCodecs(baseCodecs, fileCodecs, packCodecs);

/**
 * encode makes the whole frame for msg, size field included.
 *
 * It throws SysError(EINVAL) when a field does not fit its wire type
 * (a u32 that is negative, fractional or too big, more than 16 walk
 * names, a string over 65535 UTF-8 bytes) or the type is unknown: these
 * are bugs in the caller. Lone surrogates in strings are sent as U+FFFD,
 * as TextEncoder does. msize is not checked here: that is the caller's.
 */
export function encode(msg: Msg): Uint8Array {
  const c = CODECS[msg.type];
  if (c === undefined) throw invalid(`unknown message type ${msg.type}`);

  // Size the frame first so the body is written once, in place.
  const packed = c.pack ? c.pack(msg) : null;
  const size = headerSize + (packed ? packed.length : c.size(msg));
  if (size > MAX_FRAME) throw invalid(`${c.name} of ${size} bytes`);

  const w = new Writer(size);
  w.u32(size);
  w.u8(msg.type);
  w.u16(msg.tag);
  if (packed) w.raw(packed);
  else c.put(w, msg);
  if (w.pos !== size) {
    throw invalid(`${c.name}: wrote ${w.pos} bytes of ${size}`);
  }
  return w.bytes;
}

/**
 * decode reads one whole frame: size field included, nothing after it.
 *
 * It never throws. A frame whose size field disagrees with its length,
 * whose type is unknown, whose fields run past its end or leave bytes
 * over, whose counts disagree with its data or whose strings are not
 * UTF-8 is an error value; `tag` is set whenever the header was read.
 * Byte arrays in the result (data, msgpack binaries) alias frame, so the
 * caller must not reuse frame's memory while it uses the message.
 */
export function decode(frame: Uint8Array): DecodeResult {
  if (frame.length < headerSize) {
    return { ok: false, error: `frame of ${frame.length} bytes is short` };
  }
  const r = new Reader(frame);
  const size = r.u32();
  const type = r.u8();
  const tag = r.u16();
  if (size !== frame.length) {
    const error = `size field ${size} but frame is ${frame.length} bytes`;
    return { ok: false, error, tag };
  }
  const c = CODECS[type];
  if (c === undefined) {
    return { ok: false, error: `unknown message type ${type}`, tag };
  }

  const msg = c.get(r, tag);
  if (r.error !== null) {
    return { ok: false, error: `${c.name}: ${r.error}`, tag };
  }
  if (r.left !== 0) {
    const error = `${c.name}: ${r.left} bytes after the last field`;
    return { ok: false, error, tag };
  }
  return { ok: true, msg };
}

/** msgName(110) is "Twalk"; an unknown number gives "type250". */
export function msgName(type: number): string {
  return CODECS[type]?.name ?? `type${type}`;
}

/**
 * isTmessage tells whether type is a request this codec knows. Every
 * 9P request number is even and its reply is the next odd number.
 */
export function isTmessage(type: number): boolean {
  return type % 2 === 0 && CODECS[type] !== undefined;
}

/** isKnownType tells whether decode accepts frames of this type. */
export function isKnownType(type: number): boolean {
  return Number.isInteger(type) && CODECS[type] !== undefined;
}
