/**
 * The bodies of our extension messages (the TX and RX types), in msgpack.
 *
 * 9P2000.L makes a client pay one round trip per name walked and one per
 * attribute fetch. These extensions fold a whole path into one request:
 *
 *   TXcaps        { want: string[] }             -> { caps: string[] }
 *   TXwalkstat    { fid, names }                 -> { steps, errno }
 *   TXreaddirstat { fid, names, offset, count, stat } -> { entries, next }
 *   TXlopen       { fid, names, flags, newfid, key, donate }
 *                                                -> { attr, donated }
 *
 * A gofer announces what it serves in RXcaps; a client sends none of the
 * others to a server that did not announce them. Walks never follow a
 * symlink: a walk stops after the first non-directory, and errno says why
 * it stopped short (0 when it stopped after a non-directory).
 *
 * Attributes travel as AttrTuple, a flat array in the order below, with a
 * symlink's target appended. Every decoder here checks shapes, so a
 * malformed body is EPROTO, never a crash.
 */
import { E, SysError } from "../errno.ts";

export const CAP_WALKSTAT = "walkstat";
export const CAP_READDIRSTAT = "readdirstat";
export const CAP_LOPEN = "lopen";
export const CAP_DONATE = "donate";
/** The gofer spins for the next request: a client may spin for replies. */
export const CAP_SPIN = "spin";

/**
 * [ino, mode, nlink, uid, gid, rdev, size, blksize, blocks,
 *  atimeSec, atimeNsec, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec,
 *  btimeSec, btimeNsec, dev, target?]
 */
export type AttrTuple = (number | string)[];
export const ATTR_FIELDS = 18;

/** The attributes a tuple carries, as plain numbers. */
export interface WireAttr {
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
  btimeSec: number;
  btimeNsec: number;
  dev: number;
  target?: string;
}

export function attrToTuple(a: WireAttr): AttrTuple {
  const t: AttrTuple = [
    a.ino, a.mode, a.nlink, a.uid, a.gid, a.rdev, a.size, a.blksize,
    a.blocks, a.atimeSec, a.atimeNsec, a.mtimeSec, a.mtimeNsec, a.ctimeSec,
    a.ctimeNsec, a.btimeSec, a.btimeNsec, a.dev,
  ];
  if (a.target !== undefined) t.push(a.target);
  return t;
}

/** tupleToAttr checks and unpacks a tuple; EPROTO if malformed. */
export function tupleToAttr(t: unknown): WireAttr {
  if (!Array.isArray(t) || t.length < ATTR_FIELDS || t.length > 19) {
    throw proto("attribute tuple");
  }
  for (let i = 0; i < ATTR_FIELDS; i++) {
    if (typeof t[i] !== "number") throw proto("attribute field");
  }
  const target = t[ATTR_FIELDS];
  if (target !== undefined && typeof target !== "string") {
    throw proto("symlink target");
  }
  return {
    ino: t[0], mode: t[1], nlink: t[2], uid: t[3], gid: t[4], rdev: t[5],
    size: t[6], blksize: t[7], blocks: t[8], atimeSec: t[9],
    atimeNsec: t[10], mtimeSec: t[11], mtimeNsec: t[12], ctimeSec: t[13],
    ctimeNsec: t[14], btimeSec: t[15], btimeNsec: t[16], dev: t[17],
    target,
  };
}

/** makedev as glibc encodes a device number. */
export function makedev(major: number, minor: number): number {
  return (major & 0xfff) * 256 + (minor & 0xff) +
    (minor & ~0xff) * 4096 + (major & ~0xfff) * 2 ** 32;
}

export function proto(what: string): SysError {
  const e = new SysError(E.EPROTO);
  e.message = `EPROTO: malformed extension body: ${what}`;
  return e;
}

/** obj checks that a body is a plain object. */
export function obj(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw proto(what);
  }
  return body as Record<string, unknown>;
}

export function num(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw proto(what);
  return v;
}

export function names(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length > 4096) throw proto(what);
  for (const n of v) if (typeof n !== "string") throw proto(what);
  return v as string[];
}

export function bool(v: unknown): boolean {
  return v === true;
}

/** statxToWire converts host attributes for the wire. */
export function statxToWire(
  s: import("../sys/stat.ts").Statx,
  target?: string,
): WireAttr {
  return {
    ino: Number(s.ino), mode: s.mode, nlink: s.nlink, uid: s.uid,
    gid: s.gid, rdev: makedev(s.rdevMajor, s.rdevMinor),
    size: Number(s.size), blksize: s.blksize, blocks: Number(s.blocks),
    atimeSec: Number(s.atimeSec), atimeNsec: s.atimeNsec,
    mtimeSec: Number(s.mtimeSec), mtimeNsec: s.mtimeNsec,
    ctimeSec: Number(s.ctimeSec), ctimeNsec: s.ctimeNsec,
    btimeSec: Number(s.btimeSec), btimeNsec: s.btimeNsec,
    dev: makedev(s.devMajor, s.devMinor), target,
  };
}
