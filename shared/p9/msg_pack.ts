/**
 * Codecs of our extension messages (TXcaps and friends, types 200 to
 * 207). Their body is one msgpack value, packed and unpacked by msgpackr;
 * what the value means is ext.ts's business, not the wire's.
 */

import { pack, unpack } from "msgpackr";
import { invalid, Reader } from "./buf.ts";
import type { Codec } from "./table.ts";
import { MT } from "./types.ts";
import type { Msg, MsgName } from "./types.ts";

/** A msgpack message: the whole body is one msgpack value. */
function packed(name: MsgName): Codec {
  const type = MT[name];
  return {
    name,
    size: () => 0,
    put: () => {},
    pack: (m) => packBody((m as { body: unknown }).body),
    get: (r, tag) => ({ type, tag, body: unpackBody(r) }) as Msg,
  };
}

/** packBody packs a body; a value msgpackr refuses is EINVAL. */
function packBody(body: unknown): Uint8Array {
  try {
    return pack(body);
  } catch (e) {
    throw invalid(`msgpack body: ${(e as Error).message}`);
  }
}

/**
 * unpackBody reads the rest of the frame as exactly one msgpack value.
 * Nothing, a cut-short value or bytes after it fail r. Binary values
 * alias the frame.
 */
function unpackBody(r: Reader): unknown {
  const bytes = r.rest();
  if (bytes.length === 0) {
    r.fail("empty msgpack body");
    return undefined;
  }
  try {
    return unpack(bytes);
  } catch {
    r.fail("malformed msgpack body");
    return undefined;
  }
}

/** The codecs, in type-number order. */
export const packCodecs: Codec[] = [
  packed("TXcaps"),
  packed("RXcaps"),
  packed("TXwalkstat"),
  packed("RXwalkstat"),
  packed("TXreaddirstat"),
  packed("RXreaddirstat"),
  packed("TXlopen"),
  packed("RXlopen"),
];
