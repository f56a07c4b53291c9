/**
 * The shape of a message codec and the helpers that build them.
 *
 * A codec knows one message type's body: how big it is, how to write
 * it and how to read it back, field by field in wire order (the header
 * size[4] type[1] tag[2] is codec.ts's business). The message families
 * (msg_base.ts, msg_file.ts, msg_pack.ts) each export a list of them;
 * codec.ts indexes the lists by type number.
 */

import { QID_SIZE, Reader, Writer } from "./buf.ts";
import { MT } from "./types.ts";
import type { Msg, MsgName, MsgOf } from "./types.ts";

/** How one message type's body goes to and from the wire. */
export interface Codec<T extends Msg = Msg> {
  name: MsgName;
  /** Body size in bytes (unused when `pack` is set). */
  size(m: T): number;
  /** Writes the body; the Writer has exactly size(m) bytes left. */
  put(w: Writer, m: T): void;
  /** Reads the body; the result is only valid if r.error stays null. */
  get(r: Reader, tag: number): T;
  /** For msgpack messages: the whole body, made once, instead of put. */
  pack?(m: T): Uint8Array;
}

/** The message named K. */
type Named<K extends MsgName> = MsgOf<(typeof MT)[K]>;

/** def makes a codec; size is a constant for fixed-size bodies. */
export function def<K extends MsgName>(
  name: K,
  size: number | ((m: Named<K>) => number),
  put: (w: Writer, m: Named<K>) => void,
  get: (r: Reader, tag: number) => Named<K>,
): Codec {
  const sizeOf = typeof size === "number" ? () => size : size;
  return { name, size: sizeOf, put, get } as Codec;
}

/** A message with no body, such as Rclunk. */
export function empty<K extends MsgName>(name: K): Codec {
  const type = MT[name];
  return def(name, 0, () => {}, (_r, tag) => ({ type, tag }) as Named<K>);
}

/** A message whose only field is a qid. */
export function qidOnly(
  name: "Rsymlink" | "Rmknod" | "Rmkdir" | "Rattach",
): Codec {
  const type = MT[name];
  return def(name, QID_SIZE, (w, m) => w.qid(m.qid), (r, tag) => ({
    type,
    tag,
    qid: r.qid(),
  }) as Named<typeof name>);
}

/** A message whose only field is fid[4]. */
export function fidOnly(
  name: "Tstatfs" | "Treadlink" | "Tclunk" | "Tremove",
): Codec {
  const type = MT[name];
  return def(name, 4, (w, m) => w.u32(m.fid), (r, tag) => ({
    type,
    tag,
    fid: r.u32(),
  }) as Named<typeof name>);
}

/**
 * indexCodecs makes the lookup table: entry t is the codec for type
 * number t, or undefined. A type defined twice is a bug, and throws.
 */
export function indexCodecs(...lists: Codec[][]): (Codec | undefined)[] {
  const table: (Codec | undefined)[] = new Array(256).fill(undefined);
  for (const c of lists.flat()) {
    const type = MT[c.name];
    if (table[type]) throw new Error(`p9: two codecs for ${c.name}`);
    table[type] = c;
  }
  return table;
}
