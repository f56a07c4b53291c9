/**
 * The 9P2000.L codec: round trips, bytes checked by hand against the
 * spec, hostile input (cut, padded, mislabelled, random) and the framer.
 */

import { Buffer } from "node:buffer";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { E, SysError } from "../shared/errno.ts";
import {
  decode,
  decodeDirents,
  direntSize,
  encode,
  encodeDirents,
  isTmessage,
  MT,
  msgName,
  NOFID,
  NOTAG,
} from "../shared/p9/codec.ts";
import type {
  DecodeResult,
  Dirent,
  Msg,
  Qid,
} from "../shared/p9/codec.ts";
import { Framer } from "../shared/p9/framer.ts";

const test = suite("codec");

const U32 = 0xffff_ffff;
const U64 = 0xffff_ffff_ffff_ffffn;

const qdir: Qid = { type: 0x80, version: 1, path: 2n };
const qmax: Qid = { type: 0xff, version: U32, path: U64 };
const qzero: Qid = { type: 0, version: 0, path: 0n };

/** A name longer than the hand-written ASCII path handles. */
const longAscii = "x".repeat(300);
/** Non-ASCII, with a BOM first (which must survive) and a 4-byte char. */
const unicode = "\ufeffnaïve-日本語-🦀-ü";
const longUnicode = "é".repeat(40);

function bytes(...b: number[]): Uint8Array {
  return new Uint8Array(b);
}

function ramp(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

/** hex("0a 0b") is bytes 10, 11; spaces and newlines are ignored. */
function hex(s: string): Uint8Array {
  const digits = s.replace(/\s+/g, "");
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

const getattrAll: Msg = {
  type: MT.Rgetattr,
  tag: 7,
  valid: U64,
  qid: qmax,
  mode: U32,
  uid: U32,
  gid: 0,
  nlink: U64,
  rdev: 1n,
  size: U64 - 1n,
  blksize: 4096n,
  blocks: 2n ** 40n,
  atimeSec: 1n,
  atimeNsec: 999_999_999n,
  mtimeSec: BigInt.asUintN(64, -1n),
  mtimeNsec: 0n,
  ctimeSec: 1_700_000_000n,
  ctimeNsec: 5n,
  btimeSec: 0n,
  btimeNsec: 0n,
  gen: 3n,
  dataVersion: U64,
};

const dirents: Dirent[] = [
  { qid: qdir, offset: 1n, type: 4, name: "." },
  { qid: qmax, offset: U64, type: 8, name: unicode },
  { qid: qzero, offset: 0n, type: 0, name: "" },
];

/** At least one of every message type, with values at the edges. */
const samples: Msg[] = [
  { type: MT.Rlerror, tag: 1, ecode: E.ENOENT },
  { type: MT.Rlerror, tag: 0xffff, ecode: U32 },
  { type: MT.Tstatfs, tag: 2, fid: U32 },
  {
    type: MT.Rstatfs,
    tag: 3,
    fstype: 0x01021997,
    bsize: 4096,
    blocks: U64,
    bfree: 0n,
    bavail: 12345678901234n,
    files: 1n,
    ffree: 2n,
    fsid: U64 - 7n,
    namelen: 255,
  },
  { type: MT.Tlopen, tag: 4, fid: 9, flags: 0o2101 },
  { type: MT.Rlopen, tag: 5, qid: qmax, iounit: U32 },
  {
    type: MT.Tlcreate,
    tag: 6,
    fid: 10,
    name: unicode,
    flags: 0o101,
    mode: 0o644,
    gid: U32,
  },
  { type: MT.Rlcreate, tag: 7, qid: qzero, iounit: 0 },
  {
    type: MT.Tsymlink,
    tag: 8,
    fid: 1,
    name: "link",
    symtgt: longAscii,
    gid: 0,
  },
  { type: MT.Rsymlink, tag: 9, qid: { type: 2, version: 0, path: 77n } },
  {
    type: MT.Tmknod,
    tag: 10,
    dfid: 2,
    name: "fifo",
    mode: 0o10644,
    major: U32,
    minor: 0,
    gid: 100,
  },
  { type: MT.Rmknod, tag: 11, qid: qdir },
  { type: MT.Trename, tag: 12, fid: 3, dfid: 4, name: "" },
  { type: MT.Rrename, tag: 13 },
  { type: MT.Treadlink, tag: 14, fid: 5 },
  { type: MT.Rreadlink, tag: 15, target: longUnicode },
  { type: MT.Tgetattr, tag: 16, fid: 6, requestMask: U64 },
  getattrAll,
  {
    type: MT.Tsetattr,
    tag: 18,
    fid: 7,
    valid: U32,
    mode: 0o755,
    uid: 1000,
    gid: 1000,
    size: U64,
    atimeSec: 1n,
    atimeNsec: 2n,
    mtimeSec: 3n,
    mtimeNsec: U64,
  },
  { type: MT.Rsetattr, tag: 19 },
  { type: MT.Txattrwalk, tag: 20, fid: 8, newfid: 9, name: "user.x" },
  { type: MT.Rxattrwalk, tag: 21, size: U64 },
  {
    type: MT.Txattrcreate,
    tag: 22,
    fid: 10,
    name: "security.selinux",
    attrSize: 65536n,
    flags: 1,
  },
  { type: MT.Rxattrcreate, tag: 23 },
  { type: MT.Treaddir, tag: 24, fid: 11, offset: U64, count: U32 },
  { type: MT.Rreaddir, tag: 25, data: encodeDirents(dirents) },
  { type: MT.Rreaddir, tag: 25, data: new Uint8Array(0) },
  { type: MT.Tfsync, tag: 26, fid: 12, datasync: 1 },
  { type: MT.Rfsync, tag: 27 },
  {
    type: MT.Tlock,
    tag: 28,
    fid: 13,
    lockType: 1,
    flags: 1,
    start: 0n,
    length: U64,
    procId: U32,
    clientId: "host-ü",
  },
  { type: MT.Rlock, tag: 29, status: 255 },
  {
    type: MT.Tgetlock,
    tag: 30,
    fid: 14,
    lockType: 0,
    start: 100n,
    length: 0n,
    procId: 42,
    clientId: "",
  },
  {
    type: MT.Rgetlock,
    tag: 31,
    lockType: 2,
    start: U64,
    length: 1n,
    procId: 0,
    clientId: longUnicode,
  },
  { type: MT.Tlink, tag: 32, dfid: 15, fid: 16, name: "hard" },
  { type: MT.Rlink, tag: 33 },
  { type: MT.Tmkdir, tag: 34, dfid: 17, name: "目录", mode: 0o700, gid: 1 },
  { type: MT.Rmkdir, tag: 35, qid: qdir },
  {
    type: MT.Trenameat,
    tag: 36,
    olddirfid: 18,
    oldname: "a",
    newdirfid: U32,
    newname: unicode,
  },
  { type: MT.Rrenameat, tag: 37 },
  { type: MT.Tunlinkat, tag: 38, dirfid: 19, name: "gone", flags: 0x200 },
  { type: MT.Runlinkat, tag: 39 },
  { type: MT.Tversion, tag: NOTAG, msize: 8192, version: "9P2000.L" },
  { type: MT.Rversion, tag: NOTAG, msize: U32, version: "unknown" },
  { type: MT.Tauth, tag: 40, afid: 1, uname: "root", aname: "", nUname: 0 },
  { type: MT.Rauth, tag: 41, aqid: qmax },
  {
    type: MT.Tattach,
    tag: 42,
    fid: 0,
    afid: NOFID,
    uname: "user",
    aname: "/srv/ü",
    nUname: 1000,
  },
  { type: MT.Rattach, tag: 43, qid: qdir },
  { type: MT.Tflush, tag: 44, oldtag: 0xffff },
  { type: MT.Rflush, tag: 45 },
  { type: MT.Twalk, tag: 46, fid: 1, newfid: 2, names: [] },
  {
    type: MT.Twalk,
    tag: 47,
    fid: U32,
    newfid: U32 - 1,
    names: Array.from({ length: 16 }, (_, i) => i % 2 ? `n${i}` : unicode),
  },
  { type: MT.Rwalk, tag: 48, qids: [] },
  { type: MT.Rwalk, tag: 49, qids: Array.from({ length: 16 }, () => qmax) },
  { type: MT.Tread, tag: 50, fid: 20, offset: U64, count: U32 },
  { type: MT.Rread, tag: 51, data: ramp(1000) },
  { type: MT.Rread, tag: 51, data: new Uint8Array(0) },
  { type: MT.Twrite, tag: 52, fid: 21, offset: 1n << 40n, data: ramp(77) },
  { type: MT.Rwrite, tag: 53, count: U32 },
  { type: MT.Tclunk, tag: 54, fid: 22 },
  { type: MT.Rclunk, tag: 55 },
  { type: MT.Tremove, tag: 56, fid: 23 },
  { type: MT.Rremove, tag: 57 },
  { type: MT.TXcaps, tag: 58, body: { version: 1, caps: ["walkstat"] } },
  { type: MT.RXcaps, tag: 59, body: null },
  { type: MT.TXwalkstat, tag: 60, body: [1, ["a", unicode], 2n ** 63n] },
  { type: MT.RXwalkstat, tag: 61, body: { qids: [[128, 1, 2]], n: -1 } },
  { type: MT.TXreaddirstat, tag: 62, body: "" },
  { type: MT.RXreaddirstat, tag: 63, body: { entries: [], eof: true } },
  { type: MT.TXlopen, tag: 64, body: 0 },
  { type: MT.RXlopen, tag: 65, body: { fd: 3, ok: false, x: 1.5 } },
];

const frames = samples.map(encode);

function isExt(type: number): boolean {
  return type >= MT.TXcaps && type <= MT.RXlopen;
}

function withSize(frame: Uint8Array, size: number): Uint8Array {
  const out = frame.slice();
  new DataView(out.buffer).setUint32(0, size >>> 0, true);
  return out;
}

type Failure = Extract<DecodeResult, { ok: false }>;

/** mustFail asserts decode rejects frame without throwing. */
function mustFail(frame: Uint8Array, what: string): Failure {
  let r: DecodeResult;
  try {
    r = decode(frame);
  } catch (e) {
    throw new Error(`${what}: decode threw ${e}`);
  }
  if (r.ok) throw new Error(`${what}: decoded as ${msgName(r.msg.type)}`);
  return r;
}

function mustThrowEinval(fn: () => unknown, what: string) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SysError, `${what}: got ${e}`);
    assert.is((e as SysError).errno, E.EINVAL, what);
    return;
  }
  assert.unreachable(`${what}: did not throw`);
}

/** mulberry32: a small seeded PRNG, so failures can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("samples cover every message type", () => {
  const seen = new Set(samples.map((m) => m.type));
  for (const [name, type] of Object.entries(MT)) {
    assert.ok(seen.has(type), `no sample of ${name}`);
  }
});

test("every message decodes to what was encoded", () => {
  samples.forEach((m, i) => {
    const r = decode(frames[i]);
    if (!r.ok) return assert.unreachable(`${msgName(m.type)}: ${r.error}`);
    assert.equal(r.msg, m, msgName(m.type));
  });
});

test("encode writes the size field as the frame length", () => {
  for (const f of frames) {
    assert.is(new DataView(f.buffer).getUint32(0, true), f.length);
  }
});

test("golden: Tversion", () => {
  const m: Msg = { type: MT.Tversion, tag: NOTAG, msize: 8192,
    version: "9P2000.L" };
  // size=21, type=100, tag=ffff, msize=8192, version len 8 + "9P2000.L"
  const want = hex(`15 00 00 00  64  ff ff  00 20 00 00
    08 00  39 50 32 30 30 30 2e 4c`);
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("golden: Twalk with two names", () => {
  const m: Msg = { type: MT.Twalk, tag: 1, fid: 1, newfid: 2,
    names: ["a", "bc"] };
  // size=7+4+4+2+3+4=24, type=110, tag=1, fid, newfid, nwname=2, names
  const want = hex(`18 00 00 00  6e  01 00  01 00 00 00  02 00 00 00
    02 00  01 00 61  02 00 62 63`);
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("golden: Rlerror", () => {
  const m: Msg = { type: MT.Rlerror, tag: 3, ecode: E.ENOENT };
  const want = hex("0b 00 00 00  07  03 00  02 00 00 00");
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("golden: Tread", () => {
  const m: Msg = { type: MT.Tread, tag: 5, fid: 7,
    offset: 0x0102030405060708n, count: 4096 };
  // size=7+4+8+4=23, type=116, tag=5, fid=7, offset LE, count=4096
  const want = hex(`17 00 00 00  74  05 00  07 00 00 00
    08 07 06 05 04 03 02 01  00 10 00 00`);
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("golden: Rread", () => {
  const m: Msg = { type: MT.Rread, tag: 2, data: bytes(0x68, 0x69) };
  const want = hex("0d 00 00 00  75  02 00  02 00 00 00  68 69");
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("golden: Rreaddir with two dirents", () => {
  const ents: Dirent[] = [
    { qid: qdir, offset: 3n, type: 4, name: "d" },
    { qid: { type: 0, version: 0, path: U64 }, offset: 16n, type: 8,
      name: "ab" },
  ];
  // dirent: qid[13] offset[8] type[1] name[s]; 25 + 26 = 51 data bytes
  const d1 = `80 01 00 00 00 02 00 00 00 00 00 00 00
    03 00 00 00 00 00 00 00  04  01 00 64`;
  const d2 = `00 00 00 00 00 ff ff ff ff ff ff ff ff
    10 00 00 00 00 00 00 00  08  02 00 61 62`;
  assert.is(toHex(encodeDirents(ents)), toHex(hex(d1 + d2)));
  assert.is(direntSize("d"), 25);
  assert.is(direntSize("ab"), 26);

  // size=7+4+51=62, type=41, tag=9, count=51
  const m: Msg = { type: MT.Rreaddir, tag: 9, data: encodeDirents(ents) };
  const want = hex(`3e 00 00 00  29  09 00  33 00 00 00` + d1 + d2);
  assert.is(toHex(encode(m)), toHex(want));
  const r = decode(want);
  if (!r.ok || r.msg.type !== MT.Rreaddir) return assert.unreachable();
  assert.equal(decodeDirents(r.msg.data), { ok: true, dirents: ents });
});

test("golden: Rgetattr", () => {
  const m: Msg = {
    type: MT.Rgetattr, tag: 0x1234, valid: 0x7ffn, qid: qzero,
    mode: 0o100644, uid: 1000, gid: 100, nlink: 1n, rdev: 0n, size: 5n,
    blksize: 4096n, blocks: 8n, atimeSec: 1n, atimeNsec: 2n,
    mtimeSec: 3n, mtimeNsec: 4n, ctimeSec: 5n, ctimeNsec: 6n,
    btimeSec: 0n, btimeNsec: 0n, gen: 0n, dataVersion: 0n,
  };
  const u64 = (n: number) => `${n.toString(16).padStart(2, "0")} ` +
    "00 ".repeat(7);
  // size=7+8+13+3*4+15*8=160, type=25, tag=0x1234
  const want = hex([
    "a0 00 00 00  19  34 12",
    "ff 07 00 00 00 00 00 00", // valid
    "00 00 00 00 00 00 00 00 00 00 00 00 00", // qid
    "a4 81 00 00  e8 03 00 00  64 00 00 00", // mode uid gid
    u64(1), u64(0), u64(5), "00 10 00 00 00 00 00 00", u64(8),
    u64(1), u64(2), u64(3), u64(4), u64(5), u64(6), // a/m/ctime
    u64(0), u64(0), u64(0), u64(0), // btime gen data_version
  ].join(" "));
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("golden: Tattach without auth", () => {
  const m: Msg = { type: MT.Tattach, tag: 1, fid: 0, afid: NOFID,
    uname: "u", aname: "", nUname: 0 };
  // size=7+4+4+3+2+4=24, type=104
  const want = hex(`18 00 00 00  68  01 00  00 00 00 00  ff ff ff ff
    01 00 75  00 00  00 00 00 00`);
  assert.is(toHex(encode(m)), toHex(want));
  assert.equal(decode(want), { ok: true, msg: m });
});

test("every cut-short frame is rejected, with or without a fixed size", () => {
  frames.forEach((f, i) => {
    const name = msgName(samples[i].type);
    for (let n = 0; n < f.length; n++) {
      const cut = f.subarray(0, n);
      mustFail(cut, `${name} cut to ${n}`);
      if (n >= 4) mustFail(withSize(cut, n), `${name} resized to ${n}`);
    }
  });
});

test("bytes after the last field are rejected", () => {
  frames.forEach((f, i) => {
    const long = new Uint8Array(f.length + 1);
    long.set(f);
    long[f.length] = 0xc0;
    const r = mustFail(withSize(long, long.length), msgName(samples[i].type));
    assert.is(r.tag, samples[i].tag);
    mustFail(long, `${msgName(samples[i].type)} with old size`);
  });
});

test("a size field that is not the frame length is rejected", () => {
  frames.forEach((f, i) => {
    const sizes = [0, 7, f.length - 1, f.length + 1, U32];
    for (const s of sizes.filter((s) => s !== f.length)) {
      const r = mustFail(withSize(f, s), `${msgName(samples[i].type)} ${s}`);
      assert.is(r.tag, samples[i].tag);
    }
  });
});

test("an unknown type is rejected and its tag returned", () => {
  for (const type of [0, 6, 10, 99, 106, 124, 199, 208, 255]) {
    const f = hex(`0b 00 00 00 ${type.toString(16).padStart(2, "0")}
      cd ab  00 00 00 00`);
    const r = mustFail(f, `type ${type}`);
    assert.is(r.tag, 0xabcd);
    assert.match(r.error, "unknown");
  }
});

test("more than 16 walk names or qids is rejected", () => {
  // nwname=17 with 17 empty names.
  const body = "01 00 00 00 02 00 00 00 11 00" + " 00 00".repeat(17);
  const size = (7 + 10 + 34).toString(16);
  mustFail(hex(`${size} 00 00 00 6e 01 00 ${body}`), "Twalk 17");
  const qids = "11 00" + " 00".repeat(13 * 17);
  const qsize = (7 + 2 + 13 * 17).toString(16);
  mustFail(hex(`${qsize} 00 00 00 6f 01 00 ${qids}`), "Rwalk 17");
});

test("a count that disagrees with the data is rejected", () => {
  const f = encode({ type: MT.Rread, tag: 1, data: ramp(10) });
  for (const count of [0, 9, 11, U32]) {
    const g = f.slice();
    new DataView(g.buffer).setUint32(7, count, true);
    mustFail(g, `Rread count ${count}`);
  }
});

test("invalid UTF-8 in a string is rejected", () => {
  const bad = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0x61, 0x80, 0x62],
    Array.from({ length: 40 }, (_, i) => i === 39 ? 0xfe : 0x61)];
  for (const b of bad) {
    const f = encode({ type: MT.Rreadlink, tag: 1, target: "" });
    const g = new Uint8Array(f.length + b.length);
    g.set(f);
    g.set(b, f.length);
    new DataView(g.buffer).setUint16(7, b.length, true);
    const r = mustFail(withSize(g, g.length), `bytes ${b}`);
    assert.match(r.error, "UTF-8");
  }
});

test("a malformed msgpack body is rejected", () => {
  for (const body of ["", "c4", "92 01", "01 02", "dd ff ff ff ff"]) {
    const b = hex(body);
    const f = new Uint8Array(7 + b.length);
    f.set(hex("00 00 00 00 c8 05 00"));
    f.set(b, 7);
    const r = mustFail(withSize(f, f.length), `msgpack ${body}`);
    assert.is(r.tag, 5);
  }
});

test("decode never throws on random frames", () => {
  const rand = prng(0x9e3779b9);
  const known = Object.values(MT);
  let decoded = 0;
  for (let i = 0; i < 20000; i++) {
    const len = Math.floor(rand() * (rand() < 0.9 ? 48 : 400));
    const f = new Uint8Array(7 + len);
    for (let j = 7; j < f.length; j++) {
      // Small bytes often, so counts and lengths are sometimes plausible.
      f[j] = rand() < 0.5 ? Math.floor(rand() * 4) : Math.floor(rand() * 256);
    }
    const type = rand() < 0.97
      ? known[Math.floor(rand() * known.length)]
      : Math.floor(rand() * 256);
    const size = rand() < 0.95 ? f.length : Math.floor(rand() * 2 ** 32);
    const dv = new DataView(f.buffer);
    dv.setUint32(0, size, true);
    f[4] = type;
    dv.setUint16(5, i & 0xffff, true);

    let r;
    try {
      r = decode(f);
    } catch (e) {
      return assert.unreachable(`frame ${i} (${toHex(f)}) threw ${e}`);
    }
    if (!r.ok) continue;
    decoded++;
    // Whatever decodes must encode back to the same bytes.
    if (!isExt(type)) assert.is(toHex(encode(r.msg)), toHex(f));
  }
  assert.ok(decoded > 100, `only ${decoded} random frames decoded`);
});

test("decode never throws on sample frames with bytes flipped", () => {
  const rand = prng(42);
  for (let i = 0; i < 5000; i++) {
    const f = frames[i % frames.length].slice();
    const flips = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < flips; k++) {
      f[4 + Math.floor(rand() * (f.length - 4))] = Math.floor(rand() * 256);
    }
    try {
      decode(f);
    } catch (e) {
      assert.unreachable(`frame ${toHex(f)} threw ${e}`);
    }
  }
});

test("encode refuses values the wire cannot carry", () => {
  const walk = (names: string[]) =>
    encode({ type: MT.Twalk, tag: 1, fid: 1, newfid: 2, names });
  mustThrowEinval(() => walk(Array(17).fill("a")), "17 walk names");
  mustThrowEinval(() => walk(["é".repeat(32768)]), "65536-byte name");
  mustThrowEinval(() => walk(["a".repeat(65536)]), "65536-char name");
  walk(["a".repeat(65535)]);
  mustThrowEinval(() =>
    encode({ type: MT.Rwalk, tag: 1, qids: Array(17).fill(qdir) }),
    "17 qids");
  const clunk = (fid: number, tag = 1) =>
    encode({ type: MT.Tclunk, tag, fid });
  mustThrowEinval(() => clunk(U32 + 1), "u32 overflow");
  mustThrowEinval(() => clunk(-1), "negative u32");
  mustThrowEinval(() => clunk(1.5), "fractional u32");
  mustThrowEinval(() => clunk(NaN), "NaN u32");
  mustThrowEinval(() => clunk(1, 0x10000), "tag overflow");
  const read = (offset: bigint) =>
    encode({ type: MT.Tread, tag: 1, fid: 1, offset, count: 1 });
  mustThrowEinval(() => read(-1n), "negative u64");
  mustThrowEinval(() => read(U64 + 1n), "u64 overflow");
  mustThrowEinval(() => encode({ type: MT.Rlock, tag: 1, status: 256 }),
    "u8 overflow");
  mustThrowEinval(() => encode({ type: 99, tag: 1 } as unknown as Msg),
    "unknown type");
});

test("lone surrogates are sent as U+FFFD", () => {
  const m: Msg = { type: MT.Rreadlink, tag: 1, target: "a\ud800b\udc00" };
  const r = decode(encode(m));
  assert.equal(r, { ok: true, msg: { ...m, target: "a\ufffdb\ufffd" } });
});

test("dirents: a name not in UTF-8 decodes as Node's readdir does", () => {
  const name = [0x78, 0xff, 0xfe, 0x79]; // "x", two bad bytes, "y"
  const rec = hex(`00 00 00 00 00 01 00 00 00 00 00 00 00
    01 00 00 00 00 00 00 00  08  04 00`);
  const data = new Uint8Array([...rec, ...name]);
  const r = decodeDirents(data);
  if (!r.ok) return assert.unreachable(r.error);
  assert.is(r.dirents[0].name, "x\ufffd\ufffdy");
  const viaNode = Buffer.from(name).toString("utf8");
  assert.is(r.dirents[0].name, viaNode);
});

test("dirents: round trip, sizes and malformed records", () => {
  const data = encodeDirents(dirents);
  let total = 0;
  for (const d of dirents) total += direntSize(d.name);
  assert.is(data.length, total);
  assert.equal(decodeDirents(data), { ok: true, dirents });
  assert.equal(decodeDirents(new Uint8Array(0)), { ok: true, dirents: [] });
  for (let n = 1; n < data.length; n++) {
    const cut = decodeDirents(data.subarray(0, n));
    const boundary = n === direntSize(dirents[0].name) ||
      n === direntSize(dirents[0].name) + direntSize(dirents[1].name);
    assert.is(cut.ok, boundary, `dirents cut to ${n}`);
  }
});

test("msgName and isTmessage", () => {
  assert.is(msgName(110), "Twalk");
  assert.is(msgName(MT.Rlerror), "Rlerror");
  assert.is(msgName(MT.RXlopen), "RXlopen");
  assert.is(msgName(250), "type250");
  assert.ok(isTmessage(MT.Tversion));
  assert.ok(isTmessage(MT.TXcaps));
  assert.not.ok(isTmessage(MT.Rlerror));
  assert.not.ok(isTmessage(MT.Rwalk));
  assert.not.ok(isTmessage(6));
  assert.not.ok(isTmessage(250));
});

/** Frames of the samples, with each one's bytes copied out. */
function streamOf(n: number, rand: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(frames[Math.floor(rand() * frames.length)].slice());
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function drain(f: Framer, into: Uint8Array[]): void {
  for (;;) {
    const x = f.next();
    if (x === null) return;
    if (!(x instanceof Uint8Array)) return assert.unreachable(x.error);
    into.push(x);
  }
}

test("framer: a stream split anywhere gives back the same frames", () => {
  const rand = prng(7);
  for (const maxChunk of [1, 3, 64, 5000]) {
    const want = streamOf(1000, rand);
    const all = concat(want);
    const f = new Framer(1 << 20);
    const got: Uint8Array[] = [];
    for (let o = 0; o < all.length;) {
      const n = 1 + Math.floor(rand() * maxChunk);
      f.push(all.subarray(o, o + n));
      o += n;
      drain(f, got);
    }
    assert.is(got.length, want.length, `chunks up to ${maxChunk}`);
    for (let i = 0; i < want.length; i++) {
      assert.is(toHex(got[i]), toHex(want[i]), `frame ${i}`);
    }
    assert.is(f.next(), null);
  }
});

test("framer: whole frames pushed at once come out in order", () => {
  const want = streamOf(200, prng(8));
  const f = new Framer(1 << 20);
  f.push(concat(want));
  const got: Uint8Array[] = [];
  drain(f, got);
  assert.equal(got.map(toHex), want.map(toHex));
});

test("framer: a size field out of bounds is a lasting error", () => {
  for (const size of [0, 6, 8193, U32]) {
    const f = new Framer(8192);
    f.push(withSize(frames[0], size).subarray(0, 2));
    assert.is(f.next(), null, "needs the whole size field first");
    f.push(withSize(frames[0], size).subarray(2, 4));
    const x = f.next();
    assert.ok(x !== null && !(x instanceof Uint8Array), `size ${size}`);
    f.push(frames[0]);
    assert.equal(f.next(), x, "error stays");
  }
  const f = new Framer(8192);
  f.push(withSize(frames[0], 7).subarray(0, 4));
  assert.is(f.next(), null, "size 7 is fine");
});

test("framer: setMaxSize bounds later frames", () => {
  const big = encode({ type: MT.Rread, tag: 1, data: ramp(200) });
  const f = new Framer(8192);
  f.push(big);
  assert.ok(f.next() instanceof Uint8Array);
  f.setMaxSize(100);
  f.push(big);
  const x = f.next();
  assert.ok(x !== null && !(x instanceof Uint8Array));
  mustThrowEinval(() => f.setMaxSize(3), "max below header");
});

test.run();
