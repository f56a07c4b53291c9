/**
 * The gofer on the wire: it survives garbage, it hangs up cleanly on a
 * stream it cannot frame, it answers the 9P2000.L read path as the spec
 * says (checked against diod too, with the same cases), it refuses every
 * change with EROFS, and it never opens a FIFO or a device node.
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { E } from "../shared/errno.ts";
import { decodeDirents, encode } from "../shared/p9/codec.ts";
import { type Msg, MT, NOTAG } from "../shared/p9/types.ts";
import { bytes, makeTree, removeTree } from "./fixture.ts";
import {
  errnoOf,
  type Exit,
  Raw9p,
  type Req,
  type ServerKind,
  want,
} from "./raw9p.ts";

const S_IFMT = 0o170000;
const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;
const QTDIR = 0x80;
const MAX_ERRNO = 133;

/** A chain of 17 nested directories, for the 16-name walk limit. */
const CHAIN = Array.from({ length: 17 }, (_, i) => `d${i + 1}`);

function tree(): string {
  const root = makeTree();
  fs.mkdirSync(path.join(root, ...CHAIN), { recursive: true });
  return root;
}

/** frame builds size[4] type[1] tag[2] body, the size field as given. */
function frame(
  type: number,
  tag: number,
  body: Uint8Array,
  size = 7 + body.length,
): Uint8Array {
  const f = new Uint8Array(7 + body.length);
  const v = new DataView(f.buffer);
  v.setUint32(0, size >>> 0, true);
  v.setUint8(4, type);
  v.setUint16(5, tag, true);
  f.set(body, 7);
  return f;
}

/** The body of an encoded message. */
function bodyOf(m: Msg): Uint8Array {
  return encode(m).subarray(7);
}

/** xorshift32: the same seed gives the same garbage on every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** assertNoTrace fails if stderr holds a stack trace or uncaught error. */
function assertNoTrace(stderr: string): void {
  assert.not.match(stderr, /^\s+at /m, `stack trace:\n${stderr}`);
  assert.not.match(stderr, /Uncaught|TypeError|RangeError/, stderr);
}

async function assertCleanExit(s: Raw9p, what: string): Promise<void> {
  const t0 = Date.now();
  const exit: Exit | null = await s.waitExit(2000);
  assert.ok(exit, `${what}: gofer still running after 2 s`);
  assert.equal(exit, { code: 0, signal: null }, what);
  assert.ok(Date.now() - t0 < 2000);
  assert.ok(s.hungUp, `${what}: connection not closed`);
  assertNoTrace(s.stderr);
}

// ---------------------------------------------------------------------

const g = suite<{ root: string }>("wire: garbage and bad frames");

g.before((c) => {
  c.root = tree();
});

g.after((c) => {
  removeTree(c.root);
});

/** Valid requests to mutate: their bodies steer garbage deeper. */
function samples(): Msg[] {
  const tag = 0;
  const names = ["usr", "lib", "data.bin"];
  return [
    { type: MT.Twalk, tag, fid: 0, newfid: 1, names },
    { type: MT.Twalk, tag, fid: 0, newfid: 2, names: ["big-dir"] },
    { type: MT.Tgetattr, tag, fid: 0, requestMask: 0x3fffn },
    { type: MT.Tlopen, tag, fid: 1, flags: 0 },
    { type: MT.Tread, tag, fid: 1, offset: 0n, count: 4096 },
    { type: MT.Treaddir, tag, fid: 2, offset: 0n, count: 4096 },
    { type: MT.Treadlink, tag, fid: 1 },
    { type: MT.Tstatfs, tag, fid: 0 },
    { type: MT.Tclunk, tag, fid: 3 },
    { type: MT.Tflush, tag, oldtag: 5 },
    { type: MT.Tattach, tag, fid: 4, afid: 0xffffffff, uname: "root",
      aname: "", nUname: 0 },
    { type: MT.Txattrwalk, tag, fid: 0, newfid: 6, name: "user.x" },
    { type: MT.Tmkdir, tag, dfid: 0, name: "x", mode: 0o755, gid: 0 },
    { type: MT.TXcaps, tag, body: { want: ["walkstat"] } },
    { type: MT.TXwalkstat, tag, body: { fid: 0, names } },
    { type: MT.TXreaddirstat, tag,
      body: { fid: 0, names: ["etc"], offset: "0", count: 8 } },
    { type: MT.TXlopen, tag,
      body: { fid: 0, names, flags: 0, newfid: 7, key: 1, donate: false } },
  ];
}

/**
 * garbage makes one frame: random bytes under a random type, or a valid
 * request's body with bytes flipped, cut or added, or under another
 * type. Tversion (100) is left out: it would start a new session.
 */
function garbage(rand: () => number, pool: Msg[]): [number, Uint8Array] {
  const tag = rand() & 0xffff;
  const pick = pool[rand() % pool.length];
  let type: number = pick.type;
  let body = bodyOf(pick).slice();
  switch (rand() % 4) {
    case 0: {
      type = rand() & 0xff;
      body = new Uint8Array(rand() % 48).map(() => rand() & 0xff);
      break;
    }
    case 1: {
      for (let k = 1 + rand() % 3; k > 0 && body.length; k--) {
        body[rand() % body.length] = rand() & 0xff;
      }
      break;
    }
    case 2: {
      const extra = new Uint8Array(rand() % 8).map(() => rand() & 0xff);
      const cut = body.subarray(0, rand() % (body.length + 1));
      body = new Uint8Array([...cut, ...(rand() % 2 ? extra : [])]);
      break;
    }
    default:
      type = rand() & 0xff;
  }
  if (type === MT.Tversion) type = MT.Tgetattr;
  return [type, frame(type, tag, body)];
}

g("2000 garbage frames each get a well-formed reply; the gofer lives on",
  async (c) => {
    const s = new Raw9p(c.root, { captureStderr: true });
    try {
      await s.hello(8192);
      const rand = prng(0x9e3779b9);
      const pool = samples();
      for (let i = 0; i < 2000; i++) {
        const [type, f] = garbage(rand, pool);
        const tag = new DataView(f.buffer).getUint16(5, true);
        const r = await s.rpcRaw(f, tag, 2000);
        const what = `frame ${i} type ${type}`;
        assert.ok(r.ok, `${what}: malformed reply ${!r.ok && r.error}`);
        if (!r.ok) return;
        const m = r.msg;
        assert.ok(
          m.type === MT.Rlerror || m.type === type + 1,
          `${what}: reply type ${m.type}`,
        );
        if (m.type === MT.Rlerror) {
          assert.ok(m.ecode > 0 && m.ecode <= MAX_ERRNO, `${what}: errno`);
        }
      }
      assert.ok(s.alive, "gofer died");
      assert.is(s.stray.length, 0, "replies to tags never sent");

      // A fresh session works as if nothing had happened.
      assert.is(await s.version(8192), 8192);
      await s.attach(1);
      const w = await s.rpc({
        type: MT.Twalk, fid: 1, newfid: 2, names: ["etc", "hostname"],
      });
      assert.is(want(w, MT.Rwalk).qids.length, 2);
      want(await s.rpc({ type: MT.Tlopen, fid: 2, flags: 0 }), MT.Rlopen);
      const r = await s.rpc({ type: MT.Tread, fid: 2, offset: 0n, count: 64 });
      assert.is(new TextDecoder().decode(want(r, MT.Rread).data), "sandbox\n");
      assertNoTrace(s.stderr);
    } finally {
      await s.close();
    }
  });

g("a size field below 7 closes the connection; the gofer exits 0",
  async (c) => {
    const s = new Raw9p(c.root, { captureStderr: true });
    try {
      await s.hello();
      s.writeRaw(frame(MT.Tclunk, 1, new Uint8Array(4), 6));
      await assertCleanExit(s, "size 6");
    } finally {
      await s.close();
    }
  });

g("a size field above msize closes the connection; the gofer exits 0",
  async (c) => {
    const s = new Raw9p(c.root, { captureStderr: true });
    try {
      await s.hello(8192);
      // Only the header is sent: the size alone must end it.
      s.writeRaw(frame(MT.Tread, 1, new Uint8Array(0), 8193));
      await assertCleanExit(s, "size 8193");
    } finally {
      await s.close();
    }
  });

g("a truncated frame then a hang-up: the gofer exits 0", async (c) => {
  const s = new Raw9p(c.root, { captureStderr: true });
  try {
    await s.hello();
    const f = encode({
      type: MT.Twalk, tag: 1, fid: 0, newfid: 1, names: ["etc"],
    });
    s.writeRaw(f.subarray(0, f.length - 2));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(s.alive, "a partial frame alone ended the gofer");
    s.end();
    await assertCleanExit(s, "truncated");
  } finally {
    await s.close();
  }
});

g.run();

// ---------------------------------------------------------------------

interface ReadCtx {
  root: string;
  s: Raw9p;
}

/**
 * Where a server departs from the 9P2000 walk and version rules. Ours
 * follows them; diod's departures are as observed from Debian's diod
 * 1.0.24, and pinned so a change in either shows up.
 */
interface Quirks {
  /** Rversion "unknown" (the spec), or an Rlerror. */
  unknownVersion: "unknown" | "Rlerror";
  /** A partial walk leaves newfid unbound (the spec) or binds it. */
  partialWalkBinds: boolean;
  /** A newfid in use is refused (the spec) or rebound. */
  newfidInUseRebinds: boolean;
  /** A Tread count past msize is cut to fit, or is an Rlerror. */
  bigReadFails: boolean;
}

const QUIRKS: Record<ServerKind, Quirks> = {
  builtin: {
    unknownVersion: "unknown",
    partialWalkBinds: false,
    newfidInUseRebinds: false,
    bigReadFails: false,
  },
  diod: {
    unknownVersion: "Rlerror",
    partialWalkBinds: true,
    newfidInUseRebinds: true,
    bigReadFails: true,
  },
};

/** readPath defines the read-path cases for one server. */
function readPath(kind: ServerKind): void {
  const t = suite<ReadCtx>(`wire: read path (${kind})`);
  const q = QUIRKS[kind];

  t.before(async (c) => {
    c.root = tree();
    c.s = new Raw9p(c.root, { kind });
  });

  t.after(async (c) => {
    await c.s?.close();
    removeTree(c.root);
  });

  const walk = (c: ReadCtx, names: string[], newfid = c.s.fid(), fid = 0) =>
    c.s.rpc({ type: MT.Twalk, fid, newfid, names });

  const bound = async (c: ReadCtx, fid: number) => {
    const r = await c.s.rpc({ type: MT.Tgetattr, fid, requestMask: 1n });
    return r.type === MT.Rgetattr;
  };

  /** open walks to names and opens read-only; gives the fid. */
  const open = async (c: ReadCtx, names: string[], flags = 0) => {
    const fid = c.s.fid();
    want(await walk(c, names, fid), MT.Rwalk);
    want(await c.s.rpc({ type: MT.Tlopen, fid, flags }), MT.Rlopen);
    return fid;
  };

  t("Tversion: the server never offers more msize than asked", async (c) => {
    for (const ask of [8192, 65536, 1 << 20]) {
      const r = await c.s.rpc({
        type: MT.Tversion, msize: ask, version: "9P2000.L",
      });
      const v = want(r, MT.Rversion);
      assert.is(v.version, "9P2000.L");
      assert.ok(v.msize <= ask && v.msize >= 4096, `asked ${ask}`);
      assert.is(v.tag, NOTAG);
    }
  });

  t(`Tversion: an unknown version is answered ${q.unknownVersion}`,
    async (c) => {
      const r = await c.s.rpc({
        type: MT.Tversion, msize: 8192, version: "9P1999.Q",
      });
      if (q.unknownVersion === "unknown") {
        assert.is(want(r, MT.Rversion).version, "unknown");
      } else {
        assert.ok(errnoOf(r) > 0, `got type ${r.type}`);
      }
    });

  t("Tattach gives the root directory's qid", async (c) => {
    assert.is(await c.s.version(8192), 8192);
    const qid = await c.s.attach(0);
    assert.is(qid.type, QTDIR);
    assert.is(qid.path, fs.statSync(c.root, { bigint: true }).ino);
  });

  t("Tattach of an aname that is not exported fails", async (c) => {
    const r = await c.s.rpc({
      type: MT.Tattach, fid: c.s.fid(), afid: 0xffffffff, uname: "root",
      aname: "/no/such/export", nUname: 0,
    });
    assert.ok(errnoOf(r) > 0, `got type ${r.type}`);
  });

  t("Twalk: a missing first name is Rlerror ENOENT", async (c) => {
    const fid = c.s.fid();
    assert.is(errnoOf(await walk(c, ["nope", "x"], fid)), E.ENOENT);
    assert.not.ok(await bound(c, fid));
  });

  t("Twalk: a missing later name gives the qids walked so far",
    async (c) => {
      const r = want(await walk(c, ["usr", "lib", "nope", "x"]), MT.Rwalk);
      assert.is(r.qids.length, 2);
      assert.is(r.qids[1].path, ino(c.root, "usr/lib"));
    });

  const binds = q.partialWalkBinds ? "binds" : "leaves unbound";
  t(`Twalk: a partial walk ${binds} newfid`, async (c) => {
    const fid = c.s.fid();
    want(await walk(c, ["usr", "lib", "nope"], fid), MT.Rwalk);
    assert.is(await bound(c, fid), q.partialWalkBinds);
  });

  t("Twalk: a name below a regular file stops the walk there", async (c) => {
    const r = await walk(c, ["etc", "hostname", "x"]);
    assert.is(want(r, MT.Rwalk).qids.length, 2);
  });

  t("Twalk: 16 names walk in one request", async (c) => {
    const names = CHAIN.slice(0, 16);
    const fid = c.s.fid();
    const r = want(await walk(c, names, fid), MT.Rwalk);
    assert.is(r.qids.length, 16);
    assert.is(r.qids[15].path, ino(c.root, names.join("/")));
    assert.ok(await bound(c, fid));
  });

  const inUse = q.newfidInUseRebinds ? "is rebound" : "is refused";
  t(`Twalk: a newfid already in use ${inUse}`, async (c) => {
    const fid = c.s.fid();
    want(await walk(c, ["etc"], fid), MT.Rwalk);
    const r = await walk(c, ["usr"], fid);
    assert.is(r.type === MT.Rwalk, q.newfidInUseRebinds, `type ${r.type}`);
    const a = await c.s.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn });
    const now = q.newfidInUseRebinds ? "usr" : "etc";
    assert.is(want(a, MT.Rgetattr).qid.path, ino(c.root, now));
  });

  t("Twalk: no names clones the fid", async (c) => {
    const fid = c.s.fid();
    assert.is(want(await walk(c, [], fid), MT.Rwalk).qids.length, 0);
    const a = await c.s.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn });
    assert.is(want(a, MT.Rgetattr).qid.path, ino(c.root, ""));
  });

  t("Tgetattr agrees with lstat on the host", async (c) => {
    for (const p of ["usr/lib/data.bin", "usr/bin/tool", "links/rel", "etc"]) {
      const fid = c.s.fid();
      want(await walk(c, p.split("/"), fid), MT.Rwalk);
      const a = want(
        await c.s.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn }),
        MT.Rgetattr,
      );
      const st = fs.lstatSync(path.join(c.root, p), { bigint: true });
      assert.is(a.qid.path, st.ino, p);
      assert.is(a.mode, Number(st.mode), p);
      assert.is(a.size, st.size, p);
      assert.is(a.nlink, st.nlink, p);
      assert.is(a.uid, Number(st.uid), p);
      assert.is(a.mtimeSec, st.mtimeNs / 1_000_000_000n, p);
    }
  });

  t("Tlopen and Tread give the file's bytes, in msize chunks", async (c) => {
    const fid = await open(c, ["usr", "lib", "data.bin"]);
    const host = fs.readFileSync(path.join(c.root, "usr/lib/data.bin"));
    const parts: Uint8Array[] = [];
    let off = 0n;
    for (;;) {
      // The count Linux asks for: msize less P9_IOHDRSZ. diod refuses
      // a count that leaves less room than that.
      const r = await c.s.rpc({
        type: MT.Tread, fid, offset: off, count: 8192 - 24,
      });
      const d = want(r, MT.Rread).data;
      if (d.length === 0) break;
      parts.push(d.slice());
      off += BigInt(d.length);
    }
    assert.ok(parts.length > 100, `${parts.length} reads`);
    assert.ok(Buffer.concat(parts).equals(host), "bytes differ");
    assert.ok(Buffer.from(bytes((1 << 20) + 3, 2)).equals(host));
  });

  const big = q.bigReadFails ? "fails" : "is cut to msize";
  t(`Tread: a count past msize ${big}`, async (c) => {
    const fid = await open(c, ["usr", "lib", "data.bin"]);
    const r = await c.s.rpc({ type: MT.Tread, fid, offset: 0n, count: 1e6 });
    if (q.bigReadFails) {
      assert.ok(errnoOf(r) > 0, `got type ${r.type}`);
    } else {
      assert.is(want(r, MT.Rread).data.length, 8192 - 11);
    }
  });

  t("Tread on a fid that is not open fails", async (c) => {
    const fid = c.s.fid();
    want(await walk(c, ["etc", "hostname"], fid), MT.Rwalk);
    const r = await c.s.rpc({ type: MT.Tread, fid, offset: 0n, count: 10 });
    assert.ok(errnoOf(r) > 0, `got type ${r.type}`);
  });

  t("Treaddir lists all of /big-dir over several calls", async (c) => {
    const fid = await open(c, ["big-dir"], 0o200000);
    const names: string[] = [];
    let offset = 0n;
    let calls = 0;
    for (;;) {
      const r = await c.s.rpc({ type: MT.Treaddir, fid, offset, count: 4096 });
      calls++;
      const d = decodeDirents(want(r, MT.Rreaddir).data);
      assert.ok(d.ok, "dirents malformed");
      if (!d.ok || d.dirents.length === 0) break;
      for (const e of d.dirents) {
        if (e.name !== "." && e.name !== "..") names.push(e.name);
        offset = e.offset;
      }
      assert.ok(calls < 1000, "Treaddir does not end");
    }
    const wanted = fs.readdirSync(path.join(c.root, "big-dir"));
    assert.is(names.length, 1000);
    assert.equal(names.sort(), wanted.sort());
    assert.ok(calls > 3, `all in ${calls} calls`);
  });

  t("Treadlink gives the target; EINVAL for a regular file", async (c) => {
    const fid = c.s.fid();
    want(await walk(c, ["links", "rel"], fid), MT.Rwalk);
    const r = await c.s.rpc({ type: MT.Treadlink, fid });
    assert.is(want(r, MT.Rreadlink).target, "../etc/hostname");
    const f2 = c.s.fid();
    want(await walk(c, ["etc", "hostname"], f2), MT.Rwalk);
    const e = await c.s.rpc({ type: MT.Treadlink, fid: f2 });
    assert.is(errnoOf(e), E.EINVAL);
  });

  t("Tstatfs describes the host file system", async (c) => {
    const r = want(await c.s.rpc({ type: MT.Tstatfs, fid: 0 }), MT.Rstatfs);
    assert.ok(r.bsize > 0);
    assert.ok(r.blocks > 0n);
    assert.ok(r.bfree <= r.blocks);
    assert.ok(r.namelen >= 255, `namelen ${r.namelen}`);
  });

  t("Tclunk frees the fid; a second Tclunk fails", async (c) => {
    const fid = c.s.fid();
    want(await walk(c, ["etc"], fid), MT.Rwalk);
    want(await c.s.rpc({ type: MT.Tclunk, fid }), MT.Rclunk);
    assert.not.ok(await bound(c, fid));
    const r = await c.s.rpc({ type: MT.Tclunk, fid });
    assert.ok(errnoOf(r) > 0, "clunked twice");
  });

  t("Tflush of a tag not in flight is answered Rflush", async (c) => {
    const r = await c.s.rpc({ type: MT.Tflush, oldtag: 4242 });
    want(r, MT.Rflush);
  });

  // diod hangs up on 17 names and at times then dies of SIGSEGV (seen
  // in this suite's session): only ours is asked.
  if (kind === "builtin") {
    t("Twalk: 17 names are refused", async (c) => {
      // encode will not make this frame, so it is built by hand.
      const fid = c.s.fid();
      const ok = bodyOf({
        type: MT.Twalk, tag: 0, fid: 0, newfid: fid,
        names: CHAIN.slice(0, 16),
      });
      const last = bodyOf({
        type: MT.Twalk, tag: 0, fid: 0, newfid: 0, names: [CHAIN[16]],
      }).subarray(10);
      const body = new Uint8Array([...ok, ...last]);
      new DataView(body.buffer).setUint16(8, 17, true);
      const tag = c.s.tag();
      const r = await c.s.rpcRaw(frame(MT.Twalk, tag, body), tag);
      assert.ok(r.ok, "no well-formed reply");
      assert.is(r.ok && r.msg.type, MT.Rlerror);
      assert.not.ok(await bound(c, fid));
    });
  }

  t.run();
}

function ino(root: string, p: string): bigint {
  return fs.lstatSync(path.join(root, p), { bigint: true }).ino;
}

readPath("builtin");
readPath("diod");

// ---------------------------------------------------------------------

const ro = suite<ReadCtx>("wire: our gofer refuses changes and specials");

ro.before(async (c) => {
  c.root = tree();
  c.s = new Raw9p(c.root);
  await c.s.hello();
});

ro.after(async (c) => {
  await c.s?.close();
  removeTree(c.root);
});

ro("every write-type request is EROFS and the host is unchanged",
  async (c) => {
    const s = c.s;
    const dir = s.fid();
    const file = s.fid();
    want(await s.rpc({ type: MT.Twalk, fid: 0, newfid: dir, names: [] }),
      MT.Rwalk);
    want(await s.rpc({
      type: MT.Twalk, fid: 0, newfid: file, names: ["etc", "hostname"],
    }), MT.Rwalk);
    want(await s.rpc({ type: MT.Tlopen, fid: file, flags: 0 }), MT.Rlopen);
    const reqs: Req[] = [
      { type: MT.Tmkdir, dfid: 0, name: "new", mode: 0o755, gid: 0 },
      { type: MT.Tlcreate, fid: dir, name: "new", flags: 0o101,
        mode: 0o644, gid: 0 },
      { type: MT.Tunlinkat, dirfid: 0, name: "empty-dir", flags: 0x200 },
      { type: MT.Tunlinkat, dirfid: 0, name: "bin", flags: 0 },
      { type: MT.Twrite, fid: file, offset: 0n, data: new Uint8Array(3) },
      { type: MT.Tsymlink, fid: 0, name: "new", symtgt: "/", gid: 0 },
      { type: MT.Tmknod, dfid: 0, name: "new", mode: 0o10644, major: 0,
        minor: 0, gid: 0 },
      { type: MT.Trename, fid: file, dfid: 0, name: "new" },
      { type: MT.Trenameat, olddirfid: 0, oldname: "etc", newdirfid: 0,
        newname: "new" },
      { type: MT.Tlink, dfid: 0, fid: file, name: "new" },
      { type: MT.Tsetattr, fid: file, valid: 1, mode: 0o777, uid: 0,
        gid: 0, size: 0n, atimeSec: 0n, atimeNsec: 0n, mtimeSec: 0n,
        mtimeNsec: 0n },
      { type: MT.Txattrcreate, fid: dir, name: "user.x", attrSize: 1n,
        flags: 0 },
    ];
    for (const req of reqs) {
      const r = await s.rpc(req);
      assert.is(errnoOf(r), E.EROFS, `type ${req.type}`);
    }
    for (const flags of [1, 2, 0o1000, 0o100, 0o2001]) {
      const fid = s.fid();
      want(await s.rpc({
        type: MT.Twalk, fid: 0, newfid: fid, names: ["etc", "hostname"],
      }), MT.Rwalk);
      const r = await s.rpc({ type: MT.Tlopen, fid, flags });
      assert.is(errnoOf(r), E.EROFS, `Tlopen flags ${flags.toString(8)}`);
    }
    const victim = s.fid();
    want(await s.rpc({
      type: MT.Twalk, fid: 0, newfid: victim, names: ["etc", "empty"],
    }), MT.Rwalk);
    assert.is(errnoOf(await s.rpc({ type: MT.Tremove, fid: victim })),
      E.EROFS);

    assert.not.ok(fs.existsSync(path.join(c.root, "new")));
    assert.ok(fs.existsSync(path.join(c.root, "empty-dir")));
    assert.ok(fs.existsSync(path.join(c.root, "etc/empty")));
    assert.is(fs.readFileSync(path.join(c.root, "etc/hostname"), "utf8"),
      "sandbox\n");
    assert.is(fs.statSync(path.join(c.root, "etc/hostname")).mode & 0o777,
      0o644);
  });

ro("Tlopen of a FIFO fails at once; Tgetattr on it works", async (c) => {
  const fid = c.s.fid();
  want(await c.s.rpc({
    type: MT.Twalk, fid: 0, newfid: fid, names: ["dev-fifo"],
  }), MT.Rwalk);
  const a = want(
    await c.s.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn }),
    MT.Rgetattr,
  );
  assert.is(a.mode & S_IFMT, S_IFIFO);
  // Opening a FIFO with no writer blocks: a reply at all means it was
  // not opened, and the gofer answers at once.
  for (const flags of [0, 0o4000]) {
    const t0 = Date.now();
    const r = await c.s.rpc({ type: MT.Tlopen, fid, flags }, 2000);
    assert.ok(errnoOf(r) > 0, "a FIFO was opened");
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  }
  const tx = await c.s.rpc({
    type: MT.TXlopen,
    body: { fid: 0, names: ["dev-fifo"], flags: 0, newfid: c.s.fid(),
      key: 1, donate: false },
  }, 2000);
  assert.ok(errnoOf(tx) > 0, "TXlopen opened a FIFO");
});

ro("Tlopen of a device node fails; Tgetattr on it works", async (c) => {
  const node = path.join(c.root, "dev-null-node");
  if (!fs.existsSync(node)) return; // not root: no device node to test
  const fid = c.s.fid();
  want(await c.s.rpc({
    type: MT.Twalk, fid: 0, newfid: fid, names: ["dev-null-node"],
  }), MT.Rwalk);
  const a = want(
    await c.s.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn }),
    MT.Rgetattr,
  );
  assert.is(a.mode & S_IFMT, S_IFCHR);
  assert.is(a.rdev, BigInt(fs.statSync(node).rdev));
  const r = await c.s.rpc({ type: MT.Tlopen, fid, flags: 0 }, 2000);
  assert.is(errnoOf(r), E.EPERM);
});

ro.run();
