/**
 * Escape attempts against the export root, sent as raw 9P2000.L and as
 * our extensions: "..", ".", "", names holding "/" or NUL, walks through
 * symlink components, links pointing outside. A marker file sits beside
 * the tree, outside the root, holding a secret; no route may bring the
 * secret back from our gofer. The same routes go to diod, and the tests
 * pin down which of them diod lets through (it resolves host paths).
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { E } from "../shared/errno.ts";
import { type Msg, MT, type Qid } from "../shared/p9/types.ts";
import { openSandbox } from "../sentry/sandbox.ts";
import { makeTree, removeTree } from "./fixture.ts";
import { errnoOf, Raw9p, want } from "./raw9p.ts";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const QTSYMLINK = 0x02;
const O_DIRECTORY = 0o200000;

interface Ctx {
  root: string;
  outName: string;
  outside: string;
  secret: string;
  /** Inode numbers of everything in the tree, links not followed. */
  inside: Set<bigint>;
  ours: Raw9p;
  diod: Raw9p;
}

const t = suite<Ctx>("escape");

t.before(async (c) => {
  c.root = makeTree();
  c.outName = path.basename(c.root) + "-outside";
  c.outside = path.join(path.dirname(c.root), c.outName);
  c.secret = `SECRET-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  fs.mkdirSync(c.outside);
  fs.writeFileSync(path.join(c.outside, "secret"), c.secret + "\n");

  // Links in the tree that point at the marker, every way a link can.
  const links = path.join(c.root, "links");
  fs.symlinkSync(path.join(c.outside, "secret"), path.join(links, "out"));
  fs.symlinkSync(`../../${c.outName}/secret`, path.join(links, "outrel"));
  fs.symlinkSync(c.outside, path.join(links, "outdir"));

  c.inside = inodes(c.root);
  c.ours = new Raw9p(c.root, { record: true });
  c.diod = new Raw9p(c.root, { kind: "diod", record: true });
  await c.ours.hello();
  await c.diod.hello();
});

t.after(async (c) => {
  await Promise.all([c.ours?.close(), c.diod?.close()]);
  removeTree(c.root);
  fs.rmSync(c.outside, { recursive: true, force: true });
});

/** inodes lists every inode below root (itself included), unfollowed. */
function inodes(root: string): Set<bigint> {
  const out = new Set<bigint>();
  const visit = (p: string) => {
    const st = fs.lstatSync(p, { bigint: true });
    out.add(st.ino);
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(p)) visit(path.join(p, n));
    }
  };
  visit(root);
  return out;
}

function ino(p: string): bigint {
  return fs.lstatSync(p, { bigint: true }).ino;
}

/** hostile gives the name lists that try to leave the root. */
function hostile(c: Ctx): Record<string, string[]> {
  const o = c.outName;
  return {
    "..": [".."],
    "../outside/secret": ["..", o, "secret"],
    "etc/../../outside/secret": ["etc", "..", "..", o, "secret"],
    ".": ["."],
    "empty name": [""],
    "name '../etc'": ["../etc"],
    "name 'a/b'": ["a/b"],
    "name '/etc'": ["/etc"],
    "name 'usr/bin'": ["usr/bin"],
    "name '../outside/secret'": [`../${o}/secret`],
    "name 'links/outdir/secret'": ["links/outdir/secret"],
    "name 'links/dirlink/bin'": ["links/dirlink/bin"],
    "NUL": ["etc\0"],
    "NUL then a path": [`etc\0/../../${o}/secret`],
    "through links/dirlink": ["links", "dirlink", "bin"],
    "through links/outdir": ["links", "outdir", "secret"],
  };
}

/** The links in the tree that point out of it or up past its root. */
const OUT_LINKS = ["up", "abs", "absup", "out", "outrel", "outdir"];

async function walk(s: Raw9p, names: string[], newfid = s.fid()) {
  return s.rpc({ type: MT.Twalk, fid: 0, newfid, names });
}

/** bound tells whether fid is in use on the server. */
async function bound(s: Raw9p, fid: number): Promise<boolean> {
  const r = await s.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn });
  return r.type === MT.Rgetattr;
}

async function clunk(s: Raw9p, fid: number): Promise<void> {
  await s.rpc({ type: MT.Tclunk, fid });
}

function assertInside(c: Ctx, qids: Qid[], what: string): void {
  for (const q of qids) {
    assert.ok(c.inside.has(q.path), `${what}: qid ${q.path} is outside`);
  }
}

function body(m: Msg): Record<string, unknown> {
  return (m as { body: Record<string, unknown> }).body;
}

t("Twalk '..' from the root fid fails with EINVAL", async (c) => {
  const fid = c.ours.fid();
  const r = await walk(c.ours, [".."], fid);
  assert.is(errnoOf(r), E.EINVAL);
  assert.not.ok(await bound(c.ours, fid));
});

t("Twalk of '.' or '' fails with EINVAL", async (c) => {
  for (const n of [".", ""]) {
    assert.is(errnoOf(await walk(c.ours, [n])), E.EINVAL, `name '${n}'`);
  }
});

t("Twalk of a name holding '/' fails with EINVAL", async (c) => {
  const names = [
    "../etc", "a/b", "/etc", "usr/bin", "etc/", `../${c.outName}/secret`,
    "links/outdir/secret", "links/dirlink/bin",
  ];
  for (const n of names) {
    assert.is(errnoOf(await walk(c.ours, [n])), E.EINVAL, n);
  }
});

t("Twalk of a name holding NUL fails with EINVAL", async (c) => {
  for (const n of ["etc\0", "\0", `etc\0/../../${c.outName}/secret`]) {
    assert.is(errnoOf(await walk(c.ours, [n])), E.EINVAL, JSON.stringify(n));
  }
});

t("Twalk of '..' after a name stops there, binding no fid", async (c) => {
  for (const names of [["etc", ".."], hostile(c)["etc/../../outside/secret"]]) {
    const fid = c.ours.fid();
    const r = want(await walk(c.ours, names, fid), MT.Rwalk);
    assert.is(r.qids.length, 1, names.join(","));
    assert.is(r.qids[0].path, ino(path.join(c.root, "etc")));
    assert.not.ok(await bound(c.ours, fid), "partial walk bound newfid");
  }
});

t("Twalk through a symlink component stops at the link", async (c) => {
  for (const link of ["dirlink", "outdir"]) {
    const fid = c.ours.fid();
    const names = ["links", link, link === "dirlink" ? "bin" : "secret"];
    const r = want(await walk(c.ours, names, fid), MT.Rwalk);
    assert.is(r.qids.length, 2, `${link}: qids`);
    assert.ok(r.qids[1].type & QTSYMLINK, `${link}: not a symlink qid`);
    assert.is(r.qids[1].path, ino(path.join(c.root, "links", link)));
    assertInside(c, r.qids, link);
    assert.not.ok(await bound(c.ours, fid), `${link}: newfid bound`);
  }
});

t("Treadlink gives an outward link's raw target", async (c) => {
  for (const l of OUT_LINKS) {
    const fid = c.ours.fid();
    const w = want(await walk(c.ours, ["links", l], fid), MT.Rwalk);
    assert.is(w.qids.length, 2);
    assert.ok(w.qids[1].type & QTSYMLINK, `${l}: qid type ${w.qids[1].type}`);
    const r = want(await c.ours.rpc({ type: MT.Treadlink, fid }), MT.Rreadlink);
    assert.is(r.target, fs.readlinkSync(path.join(c.root, "links", l)));
    await clunk(c.ours, fid);
  }
});

t("Tlopen of a symlink fid fails; nothing behind it is read", async (c) => {
  for (const l of OUT_LINKS) {
    const fid = c.ours.fid();
    want(await walk(c.ours, ["links", l], fid), MT.Rwalk);
    const ga = want(
      await c.ours.rpc({ type: MT.Tgetattr, fid, requestMask: 0x3fffn }),
      MT.Rgetattr,
    );
    assert.is(ga.mode & S_IFMT, S_IFLNK, `${l}: getattr follows the link`);
    for (const flags of [0, O_DIRECTORY]) {
      const r = await c.ours.rpc({ type: MT.Tlopen, fid, flags });
      assert.ok(errnoOf(r) > 0, `${l}: Tlopen(${flags}) succeeded`);
    }
    const rd = await c.ours.rpc({
      type: MT.Tread, fid, offset: 0n, count: 4096,
    });
    assert.ok(errnoOf(rd) > 0, `${l}: Tread succeeded`);
    const rdd = await c.ours.rpc({
      type: MT.Treaddir, fid, offset: 0n, count: 4096,
    });
    assert.ok(errnoOf(rdd) > 0, `${l}: Treaddir succeeded`);
    await clunk(c.ours, fid);
  }
});

t("TXwalkstat with hostile names stops inside the root", async (c) => {
  for (const [what, names] of Object.entries(hostile(c))) {
    const r = await c.ours.rpc({
      type: MT.TXwalkstat, body: { fid: 0, names },
    });
    const b = body(want(r, MT.RXwalkstat));
    const steps = b.steps as number[][];
    assert.ok(steps.length < names.length, `${what}: walked every name`);
    for (const s of steps) {
      assert.ok(c.inside.has(BigInt(s[0])), `${what}: ino ${s[0]} outside`);
    }
    const last = steps[steps.length - 1];
    const atLink = last !== undefined && (last[1] & S_IFMT) === S_IFLNK;
    assert.ok(atLink || (b.errno as number) > 0, `${what}: errno 0`);
  }
});

t("TXwalkstat after the host moves a walked directory out never follows it",
  async (c) => {
    // Walk through swap/ once, so the gofer knows that directory; then
    // the host moves it out of the root and puts a new directory, and
    // then a link to the outside, where it was.
    const swap = path.join(c.root, "swap");
    const moved = path.join(c.outside, "moved");
    const walkSwap = async () => body(want(await c.ours.rpc({
      type: MT.TXwalkstat, body: { fid: 0, names: ["swap", "secret"] },
    }), MT.RXwalkstat)).steps as number[][];
    fs.mkdirSync(swap);
    fs.writeFileSync(path.join(swap, "secret"), "inside\n");
    try {
      assert.is((await walkSwap()).length, 2);
      fs.renameSync(swap, moved);
      fs.mkdirSync(swap);
      fs.writeFileSync(path.join(swap, "secret"), "the new one\n");
      const steps = await walkSwap();
      assert.is(steps.length, 2);
      assert.is(BigInt(steps[1][0]), ino(path.join(swap, "secret")),
        "walked into the directory moved out");

      fs.rmSync(swap, { recursive: true });
      fs.symlinkSync(c.outside, swap);
      const viaLink = await walkSwap();
      assert.is(viaLink.length, 1, "walked past the link");
      assert.is(viaLink[0][1] & S_IFMT, S_IFLNK);
      const open = await c.ours.rpc({
        type: MT.TXlopen, body: { fid: 0, names: ["swap", "secret"],
          flags: 0, newfid: c.ours.fid(), key: 1, donate: false },
      });
      assert.is(errnoOf(open), E.ENOTDIR, "TXlopen through the link");
    } finally {
      fs.rmSync(swap, { recursive: true, force: true });
      fs.rmSync(moved, { recursive: true, force: true });
    }
  });

t("TXlopen with hostile names or at a link fails, binding no fid",
  async (c) => {
    const lists = Object.entries(hostile(c));
    for (const l of OUT_LINKS) lists.push([`links/${l}`, ["links", l]]);
    for (const [what, names] of lists) {
      for (const flags of [0, O_DIRECTORY]) {
        const newfid = c.ours.fid();
        const r = await c.ours.rpc({
          type: MT.TXlopen,
          body: { fid: 0, names, flags, newfid, key: 1, donate: false },
        });
        assert.ok(errnoOf(r) > 0, `${what}: TXlopen(${flags}) succeeded`);
        assert.not.ok(await bound(c.ours, newfid), `${what}: newfid bound`);
      }
    }
  });

t("TXreaddirstat with hostile names or at a link fails", async (c) => {
  const lists = Object.entries(hostile(c));
  for (const l of OUT_LINKS) lists.push([`links/${l}`, ["links", l]]);
  for (const [what, names] of lists) {
    const r = await c.ours.rpc({
      type: MT.TXreaddirstat,
      body: { fid: 0, names, offset: "0", count: 64 },
    });
    assert.ok(errnoOf(r) > 0, `${what}: listed ${JSON.stringify(body(r))}`);
  }
});

t("Tattach with an aname other than the root fails", async (c) => {
  for (const aname of ["..", "/..", c.outside, path.dirname(c.root)]) {
    const fid = c.ours.fid();
    const r = await c.ours.rpc({
      type: MT.Tattach, fid, afid: 0xffffffff, uname: "root", aname,
      nUname: 0,
    });
    assert.is(errnoOf(r), E.ENOENT, aname);
    assert.not.ok(await bound(c.ours, fid), `${aname}: fid bound`);
  }
});

/**
 * leaks tries every route to the secret on s and gives the names of the
 * routes whose replies carried it. Extensions go to ours only.
 */
async function leaks(c: Ctx, s: Raw9p): Promise<string[]> {
  const routes = Object.entries(hostile(c));
  for (const l of OUT_LINKS) routes.push([`links/${l}`, ["links", l]]);
  const secret = Buffer.from(c.secret);
  const out: string[] = [];
  for (const [what, names] of routes) {
    const from = s.received.length;
    await readVia9p(s, names);
    if (s.kind === "builtin") await readViaExt(s, names);
    const got = s.received.slice(from);
    if (got.some((f) => Buffer.from(f).includes(secret))) out.push(what);
  }
  return out;
}

/** readVia9p walks, opens, reads and lists whatever names reach. */
async function readVia9p(s: Raw9p, names: string[]): Promise<void> {
  const fid = s.fid();
  const w = await walk(s, names, fid);
  if (w.type !== MT.Rwalk || w.qids.length !== names.length) return;
  const o = await s.rpc({ type: MT.Tlopen, fid, flags: 0 });
  if (o.type === MT.Rlopen) {
    await s.rpc({ type: MT.Tread, fid, offset: 0n, count: 4096 });
    await s.rpc({ type: MT.Treaddir, fid, offset: 0n, count: 4096 });
  }
  await s.rpc({ type: MT.Treadlink, fid });
  await clunk(s, fid);
}

/** readViaExt does the same through TXlopen and TXreaddirstat. */
async function readViaExt(s: Raw9p, names: string[]): Promise<void> {
  const newfid = s.fid();
  const o = await s.rpc({
    type: MT.TXlopen,
    body: { fid: 0, names, flags: 0, newfid, key: 7, donate: false },
  });
  if (o.type === MT.RXlopen) {
    await s.rpc({ type: MT.Tread, fid: newfid, offset: 0n, count: 4096 });
    await clunk(s, newfid);
  }
  await s.rpc({
    type: MT.TXreaddirstat,
    body: { fid: 0, names, offset: "0", count: 64 },
  });
  await s.rpc({ type: MT.TXwalkstat, body: { fid: 0, names } });
}

t("the secret outside the root never comes back from ours", async (c) => {
  assert.equal(await leaks(c, c.ours), []);
  const secret = Buffer.from(c.secret);
  const seen = c.ours.received.filter((f) => Buffer.from(f).includes(secret));
  assert.is(seen.length, 0, "a frame carried the secret");
  assert.ok(c.ours.alive);
});

t("diod: '..' from the root walks to the root's parent", async (c) => {
  const r = want(await walk(c.diod, [".."]), MT.Rwalk);
  assert.is(r.qids.length, 1);
  assert.is(r.qids[0].path, ino(path.dirname(c.root)));
});

t("diod: a name holding '/' resolves on the host, through links",
  async (c) => {
    const r = want(await walk(c.diod, ["links/dirlink/bin"]), MT.Rwalk);
    assert.is(r.qids.length, 1);
    assert.is(r.qids[0].path, ino(path.join(c.root, "usr/bin")));
  });

t("diod: separate names stop at a symlink component, as ours do",
  async (c) => {
    const r = want(await walk(c.diod, ["links", "dirlink", "bin"]), MT.Rwalk);
    assert.is(r.qids.length, 2);
    assert.ok(r.qids[1].type & QTSYMLINK);
  });

t("diod: Tlopen of a symlink fid follows it on the host", async (c) => {
  const fid = c.diod.fid();
  want(await walk(c.diod, ["links", "out"], fid), MT.Rwalk);
  want(await c.diod.rpc({ type: MT.Tlopen, fid, flags: 0 }), MT.Rlopen);
  const r = want(
    await c.diod.rpc({ type: MT.Tread, fid, offset: 0n, count: 4096 }),
    MT.Rread,
  );
  assert.is(new TextDecoder().decode(r.data), c.secret + "\n");
  await clunk(c.diod, fid);
});

t("diod: the routes that bring the secret back, where ours bring none",
  async (c) => {
    assert.equal(await leaks(c, c.diod), [
      "../outside/secret",
      "etc/../../outside/secret",
      "name '../outside/secret'",
      "name 'links/outdir/secret'",
      "links/out",
      "links/outrel",
    ]);
  });

t("library: links and paths that point out resolve inside the sandbox",
  async (c) => {
    for (const gofer of ["builtin", "diod"] as const) {
      const sb = await openSandbox({ root: c.root, gofer });
      try {
        for (const p of [
          "/links/out", "/links/outrel", "/links/outdir/secret",
          `/../${c.outName}/secret`, `/links/../../${c.outName}/secret`,
        ]) {
          const err = await sb.fs.readFile(p).then(() => null, (e) => e);
          assert.is(err?.code, "ENOENT", `${gofer}: ${p}`);
        }
        for (const p of ["/links/up", "/links/abs", "/links/absup"]) {
          const got = await sb.fs.readFile(p, "utf8");
          assert.is(got, "sandbox\n", `${gofer}: ${p}`);
        }
      } finally {
        await sb.close();
      }
    }
  });

t.run();
