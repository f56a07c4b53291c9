/**
 * The sandbox's read path against Linux.
 *
 * Every case in CASES is run through the sandbox and through the oracle
 * (tests/oracle.ts: the host kernel resolving the same path with the tree
 * as "/"), and the two results must be equal: the value, or the errno
 * code. The table runs in four configurations (our gofer and diod, each
 * with exclusive and shared file access), each case twice in a row on
 * one sandbox: cold (its dentry cache emptied first), then warm; and at
 * the end every case once more, in reverse, on what all of them cached.
 *
 * Then, per configuration: special files (a FIFO and a device node must
 * not hang or reach the host device), the shape of errors against
 * node:fs's own, and the FileHandle, Dir and access surface.
 *
 * State: one fixture tree for the file, made by the first suite and
 * removed by the last; one sandbox per configuration, opened by its
 * table suite and closed by its files suite.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import fs, { existsSync } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openSandbox, type Sandbox } from "../sentry/index.ts";
import type { Dirent, Stats } from "../sentry/index.ts";
import * as sys from "../shared/sys/libc.ts";
import { DEEP, makeTree, removeTree } from "./fixture.ts";
import * as oracle from "./oracle.ts";
import type { EntryType, Outcome, StatView } from "./oracle.ts";

/**
 * addExtras adds, below /more, what the shared fixture lacks: links whose
 * target ends in "/" or is ".", ".." or "/", chains of exactly 40 and 41
 * links, a hard link, times before 1970 and after 2106, setuid, sticky
 * and 000 modes, a 5 GiB sparse file, a 21-deep path (more than one
 * Twalk's 16 names), a 255-byte name and a 4095-byte link target.
 */
function addExtras(root: string): void {
  const at = (p: string) => path.join(root, "more", p);
  const w = (p: string, data = "", mode?: number) => {
    fs.mkdirSync(path.dirname(at(p)), { recursive: true });
    fs.writeFileSync(at(p), data);
    if (mode !== undefined) fs.chmodSync(at(p), mode);
  };
  const ln = (target: string, p: string) => {
    fs.mkdirSync(path.dirname(at(p)), { recursive: true });
    fs.symlinkSync(target, at(p));
  };

  ln("../etc/hostname/", "slash-file");
  ln("../usr/", "slash-dir");
  ln(".", "dot");
  ln("..", "dotdot");
  ln("/", "root");
  for (const [prefix, n] of [["a", 40], ["b", 41]] as const) {
    for (let i = 0; i < n; i++) {
      const next = i === n - 1 ? "/etc/hostname" : chain(prefix, i + 1);
      ln(next, `chain/${chain(prefix, i)}`);
    }
  }
  w("file1", "one\n");
  fs.linkSync(at("file1"), at("hard1"));
  w("old", "old\n");
  fs.utimesSync(at("old"), -1.5, -1.5);
  w("future", "future\n");
  fs.utimesSync(at("future"), 16725225600.25, 16725225600.25);
  w("suid", "#!/bin/sh\n", 0o4755);
  w("none", "none\n", 0o000);
  w("gexec", "g\n", 0o010);
  fs.mkdirSync(at("sticky"));
  fs.chmodSync(at("sticky"), 0o1777);
  w("sparse");
  fs.truncateSync(at("sparse"), 5 * 2 ** 30 + 1);
  w(`${DEEP21}/file`, "21\n");
  w(`long/${NAME255}`, "255\n");
  ln(LONG_TARGET, "long-target");
}

function chain(prefix: string, i: number): string {
  return prefix + String(i).padStart(2, "0");
}

/** 21 directories: more than the 16 names one Twalk may carry. */
const DEEP21 = Array.from({ length: 21 }, (_, i) => String(i + 1)).join("/");
/** 255 bytes of UTF-8 in 128 UTF-16 units: NAME_MAX exactly. */
const NAME255 = "\u00fc".repeat(127) + "a";
/** A symlink target of 4095 bytes: the longest Linux stores. */
const LONG_TARGET = "a/".repeat(2047) + "b";
/** 256 bytes of UTF-8 in only 128 UTF-16 units. */
const NAME256U = "\u00fc".repeat(128);
/** 4222 bytes of UTF-8, past PATH_MAX, in 2122 UTF-16 units. */
const LONG_PATH_U = "/" + ("\u00fc".repeat(100) + "/").repeat(21);

type Op =
  | "stat"
  | "lstat"
  | "readFile"
  | "readdir"
  | "readdirTypes"
  | "readlink"
  | "realpath";

/** One case: an operation, a sandbox path, and what it shows. */
type Case = [op: Op, path: string, shows: string];

const CASES: Case[] = [
  // stat: plain names, and the errors of a walk.
  ["stat", "/", "the root is the tree's directory"],
  ["stat", "/etc/hostname", "a file"],
  ["stat", "/etc", "a directory"],
  ["stat", "/etc/", "a trailing slash on a directory is fine"],
  ["stat", "/etc/empty", "an empty file"],
  ["stat", "/usr/bin/tool", "an executable keeps its mode"],
  ["stat", "/home/user/notes.txt", "a 0600 file keeps its mode"],
  ["stat", "/home/user/.hidden", "a dot file"],
  ["stat", DEEP, "eight names deep"],
  ["stat", "/big-dir/f0999", "the last of 1000 entries"],
  ["stat", "/usr/lib/data.bin", "a 1 MiB file's size"],
  ["stat", "/nonexistent", "a missing name is ENOENT"],
  ["stat", "/etc/nope/x", "below a missing name is ENOENT"],
  ["stat", "/etc/hostname/x", "below a file is ENOTDIR"],
  ["stat", "/etc/hostname/", "a trailing slash on a file is ENOTDIR"],
  ["stat", "/etc/hostname/.", '"." below a file is ENOTDIR'],
  ["stat", "/etc/hostname/..", '".." below a file is ENOTDIR'],
  ["stat", "", "the empty path is ENOENT"],
  ["stat", "/empty-dir/.", '"." is the directory itself'],

  // stat: symlinks are followed, and stay inside the tree.
  ["stat", "/links/rel", "a relative symlink is followed"],
  ["stat", "/links/abs", "an absolute symlink resolves inside the tree"],
  ["stat", "/links/up", '".." in a link stops at the root'],
  ["stat", "/links/absup", '"/.." in a link stops at the root'],
  ["stat", "/links/chain1", "a chain of links is followed to its end"],
  ["stat", "/links/dangling", "a dangling link is ENOENT"],
  ["stat", "/links/loop1", "a loop of two links is ELOOP"],
  ["stat", "/links/self", "a link to itself is ELOOP"],
  ["stat", "/links/loop1/x", "a loop in the middle of a path is ELOOP"],
  ["stat", "/links/dirlink/", "a trailing slash on a link to a directory"],
  ["stat", "/links/rel/", "a trailing slash on a link to a file: ENOTDIR"],
  ["stat", "/links/chain2/..", '".." after a link to a file: ENOTDIR'],
  [
    "stat",
    "/links/dirlink/../etc/hostname",
    '".." after a link goes up from its target, not from the link',
  ],
  ["stat", "/links/dirlink/..", '".." after a link to /usr is the root'],
  ["stat", "/links/doclink/../..", '".." twice after a multi-name link'],
  [
    "stat",
    "/links/doclink/a/b/c/d/deep.txt",
    "a link in front of a deep path",
  ],
  ["stat", "/bin/tool", "a top-level relative link to a directory"],
  ["stat", "/lib/data.bin", "a top-level absolute link to a directory"],
  ["stat", "/lib/../bin", '".." after an absolute link to a directory'],

  // stat: "..", slashes and relative paths.
  ["stat", "/..", '".." of the root is the root'],
  ["stat", "/../../etc/hostname", '".." above the root stays there'],
  ["stat", "etc/hostname", "a relative path resolves against the root"],
  ["stat", "./etc/../etc/hostname", 'a relative path with "." and ".."'],
  ["stat", "//etc///hostname", "repeated slashes are one"],
  ["stat", "../etc/hostname", 'a relative path starting ".."'],
  ["stat", ".", '"." is the root'],
  ["stat", "/etc/hostname//", "two trailing slashes on a file: ENOTDIR"],

  // stat: odd names and special files (stat-ed, never opened).
  ["stat", "/names/sp ace", "a name with a space"],
  ["stat", "/names/ünï cödé", "a name in UTF-8"],
  ["stat", "/names/new\nline", "a name with a newline"],
  ["stat", "/dev-fifo", "a FIFO"],
  ["stat", "/dev-null-node", "a character device node"],

  // lstat: a final symlink is not followed, unless a slash follows it.
  ["lstat", "/links/rel", "a symlink is reported itself"],
  ["lstat", "/links/abs", "an absolute symlink is reported itself"],
  ["lstat", "/links/loop1", "a looping symlink is reported, no ELOOP"],
  ["lstat", "/links/self", "a self link is reported, no ELOOP"],
  ["lstat", "/links/dangling", "a dangling symlink is reported"],
  ["lstat", "/bin", "a top-level symlink"],
  ["lstat", "/links/dirlink/", "a trailing slash follows the link"],
  ["lstat", "/links/rel/", "a trailing slash on a link to a file: ENOTDIR"],
  ["lstat", "/links/loop1/", "a trailing slash on a loop: ELOOP"],
  ["lstat", "/links/dangling/", "a trailing slash on a dangling link"],
  ["lstat", "/links/dirlink/bin", "a link in the middle is followed"],
  ["lstat", "/links/dirlink/../bin", '".." after a link, then a link'],
  ["lstat", "/etc/hostname", "a file is a file"],
  ["lstat", "/links/rel/.", '"." after a link follows it: ENOTDIR'],
  ["lstat", "/more/root/", 'a trailing slash on a link to "/"'],

  // readFile: bytes, and the errors of opening.
  ["readFile", "/etc/hostname", "a small file"],
  ["readFile", "/etc/empty", "an empty file"],
  ["readFile", "/usr/lib/data.bin", "a file of 1 MiB and 3 bytes"],
  ["readFile", "/usr/lib/page.bin", "a file of exactly one page"],
  ["readFile", "/usr/bin/tool", "an executable"],
  ["readFile", "/home/user/notes.txt", "a 0600 file"],
  ["readFile", DEEP, "a deep file"],
  ["readFile", "/names/new\nline", "a name with a newline"],
  ["readFile", "/links/abs", "through an absolute symlink"],
  ["readFile", "/links/absup", "through a link that tries to leave"],
  ["readFile", "/links/up", "through a relative link that tries to leave"],
  ["readFile", "/links/chain1", "through a chain of links"],
  ["readFile", "/lib/data.bin", "through an absolute link to a directory"],
  ["readFile", "/etc", "a directory is EISDIR"],
  ["readFile", "/", "the root is EISDIR"],
  ["readFile", "/links/dirlink", "a link to a directory is EISDIR"],
  ["readFile", "/links/loop2", "a loop is ELOOP"],
  ["readFile", "/links/dangling", "a dangling link is ENOENT"],
  ["readFile", "/etc/hostname/", "a trailing slash on a file is ENOTDIR"],
  ["readFile", "/etc/nope", "a missing file is ENOENT"],

  // readdir: names, sorted.
  ["readdir", "/", "the root"],
  ["readdir", "/etc", "a directory"],
  ["readdir", "/big-dir", "1000 entries, more than one reply's worth"],
  ["readdir", "/empty-dir", "an empty directory"],
  ["readdir", "/names", "odd names"],
  ["readdir", "/links", "symlinks are listed, not followed"],
  ["readdir", "/home/user", "dot files are listed"],
  ["readdir", "/links/dirlink", "a link to a directory is followed"],
  ["readdir", "/links/doclink/", "a link with a trailing slash"],
  ["readdir", "/lib", "an absolute link to a directory"],
  ["readdir", "/etc/hostname", "a file is ENOTDIR"],
  ["readdir", "/nonexistent", "a missing directory is ENOENT"],
  ["readdir", "/links/loop1", "a loop is ELOOP"],
  ["readdir", "/dev-fifo", "a FIFO is ENOTDIR, and is not opened"],
  ["readdir", ".", "the root, by a relative path"],

  // readdir withFileTypes: each entry's type, not followed.
  ["readdirTypes", "/", "a FIFO, a device, links and directories"],
  ["readdirTypes", "/links", "symlinks are typed as symlinks"],
  ["readdirTypes", "/usr", "directories"],
  ["readdirTypes", "/names", "files with odd names"],

  // readlink: the target as stored; EINVAL for anything else.
  ["readlink", "/links/rel", "a relative target"],
  ["readlink", "/links/abs", "an absolute target, unresolved"],
  ["readlink", "/links/up", 'a target full of "..", unresolved'],
  ["readlink", "/links/absup", 'a target with "/..", unresolved'],
  ["readlink", "/links/loop1", "a link in a loop"],
  ["readlink", "/links/self", "a link to itself"],
  ["readlink", "/links/dangling", "a dangling link"],
  ["readlink", "/bin", "a top-level link"],
  ["readlink", "/links/dirlink/../bin", 'a link found past ".."'],
  ["readlink", "/etc/hostname", "a file is EINVAL"],
  ["readlink", "/etc", "a directory is EINVAL"],
  ["readlink", "/links/dirlink/", "a trailing slash follows: EINVAL"],
  ["readlink", "/links/rel/", "a trailing slash on a link to a file"],
  ["readlink", "/links/nope", "a missing name is ENOENT"],
  ["readlink", "/links/rel/.", '"." after a link follows it: ENOTDIR'],
  ["readlink", "/", "the root is EINVAL"],
  ["readlink", "/dev-fifo", "a FIFO is EINVAL"],

  // realpath: the path with every link, "." and ".." gone.
  ["realpath", "/", "the root"],
  ["realpath", "/links/abs", "an absolute link, inside the tree"],
  ["realpath", "/links/up", "a link that tries to leave"],
  ["realpath", "/links/absup", "an absolute link that tries to leave"],
  ["realpath", "/links/doclink", "a link through a link"],
  ["realpath", "/links/chain1", "a chain"],
  ["realpath", "/bin/tool", "a link in the middle"],
  ["realpath", "/lib/../bin", '".." after an absolute link'],
  ["realpath", "/links/dirlink/../etc", '".." after a relative link'],
  ["realpath", "/..", '".." of the root'],
  ["realpath", "etc/./hostname", "a relative path"],
  ["realpath", "/names/new\nline", "a name with a newline"],
  ["realpath", "/links/dangling", "a dangling link is ENOENT"],
  ["realpath", "/links/loop1", "a loop is ELOOP"],
  ["realpath", "/etc/hostname/", "a trailing slash on a file is ENOTDIR"],
  ["realpath", ".", '"." is "/"'],
  ["realpath", "/dev-null-node", "a device node is resolved, not opened"],

  // Links whose target ends in "/", or is ".", ".." or "/".
  ["stat", "/more/slash-file", 'a target ending in "/" must be a dir'],
  ["readFile", "/more/slash-file", 'a target ending in "/" on a file'],
  ["stat", "/more/slash-dir", 'a target ending in "/" on a directory'],
  ["realpath", "/more/slash-dir", 'a target ending in "/", resolved'],
  ["lstat", "/more/slash-file", "lstat does not follow such a link"],
  ["stat", "/more/dot/dot/dot/file1", 'a link to ".", three times'],
  ["realpath", "/more/dotdot/etc", 'a link to ".."'],
  ["stat", "/more/root/etc/hostname", 'a link to "/" is the tree\'s root'],
  ["realpath", "/more/root", 'a link to "/" resolves to "/"'],
  ["readlink", "/more/root", 'a link to "/"'],

  // Linux follows at most 40 links in one resolution.
  ["stat", "/more/chain/a00", "a chain of exactly 40 links is followed"],
  ["stat", "/more/chain/b00", "a chain of 41 links is ELOOP"],
  ["realpath", "/more/chain/a00", "realpath through 40 links"],

  // Attributes the wire must carry unchanged.
  ["stat", "/more/hard1", "a hard link: same inode, nlink 2"],
  ["stat", "/more/old", "an mtime before 1970 stays negative"],
  ["lstat", "/more/old", "lstat of an mtime before 1970"],
  ["stat", "/more/future", "an mtime past 2106 (more than 32 bits)"],
  ["stat", "/more/suid", "the setuid bit is kept"],
  ["stat", "/more/sticky", "the sticky bit on a directory is kept"],
  ["stat", "/more/none", "mode 000 is kept"],
  ["readFile", "/more/none", "root reads a mode 000 file"],
  ["stat", "/more/sparse", "a size past 4 GiB"],
  ["readdirTypes", "/more", "links, files and directories of /more"],

  // Walks longer than one Twalk, and names at the limits.
  ["stat", `/more/${DEEP21}/file`, "21 directories deep"],
  ["readFile", `/more/${DEEP21}/file`, "a file 21 directories deep"],
  ["stat", `/more/${DEEP21}/nope/x`, "a missing name past 16 names"],
  ["realpath", `/more/${DEEP21}/../../21/file`, '".." past 16 names'],
  ["stat", `/more/long/${NAME255}`, "a name of 255 bytes of UTF-8"],
  ["readdir", "/more/long", "a name of 255 bytes of UTF-8 is listed"],
  ["stat", "/" + "a".repeat(256), "a name of 256 bytes is ENAMETOOLONG"],
  ["stat", "/more/" + NAME256U, "256 bytes in 128 UTF-16 units: too long"],
  ["stat", "/nope/" + "a".repeat(256), "ENOENT comes before a long name"],
  ["stat", "/nope/" + NAME256U, "ENOENT before a long UTF-8 name"],
  ["stat", "/" + "./".repeat(2041) + "etc/hostname", "a path of 4095"],
  ["stat", "//" + "./".repeat(2041) + "etc/hostname", "a path of 4096"],
  ["stat", LONG_PATH_U, "4222 bytes in 2122 UTF-16 units: too long"],
  ["readlink", "/more/long-target", "a 4095-byte target"],
  ["stat", "/more/long-target", "a 4095-byte target is followed"],
];

type Config = {
  gofer: "builtin" | "diod";
  fileAccess: "exclusive" | "shared";
};

const CONFIGS: Config[] = [
  { gofer: "builtin", fileAccess: "exclusive" },
  { gofer: "builtin", fileAccess: "shared" },
  { gofer: "diod", fileAccess: "exclusive" },
  { gofer: "diod", fileAccess: "shared" },
];

const DIOD = "/usr/sbin/diod";

/** How long one sandbox operation may take before it counts as hung. */
const OP_MS = 5000;
/** How long a FIFO or device open may take; Linux would block forever. */
const SPECIAL_MS = 750;

/** The tree every suite reads; made once, removed by the last suite. */
const tree = { root: "", users: CONFIGS.length };

function treeRoot(): string {
  if (!tree.root) {
    tree.root = makeTree();
    addExtras(tree.root);
  }
  return tree.root;
}

function releaseTree(): void {
  if (--tree.users > 0 || !tree.root) return;
  removeTree(tree.root);
  tree.root = "";
}

/** One configuration's sandbox, or why it could not be opened. */
interface Slot {
  sb?: Sandbox;
  error?: string;
  /** Each case's cold outcome, made comparable, once its test ran. */
  cold: Map<Case, unknown>;
}

async function openSlot(cfg: Config): Promise<Partial<Slot>> {
  if (cfg.gofer === "diod" && !existsSync(DIOD)) {
    return {
      error: `diod is not installed at ${DIOD}: the diod configurations ` +
        "need it (apt-get install diod); they are not skipped",
    };
  }
  try {
    const sb = await openSandbox({ root: treeRoot(), ...cfg });
    return { sb };
  } catch (e) {
    return { error: `openSandbox(${label(cfg)}) failed: ${e}` };
  }
}

function need(slot: Slot): Sandbox {
  if (!slot.sb) throw new Error(slot.error ?? "the sandbox is not open");
  return slot.sb;
}

function label(cfg: Config): string {
  return `${cfg.gofer} gofer, ${cfg.fileAccess}`;
}

/**
 * within settles as p does, or with "hung" once ms have passed; the
 * timer is cleared either way, so none outlives its test.
 */
async function within<T>(p: Promise<T>, ms: number): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), ms);
  });
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function statView(s: Stats): StatView {
  return {
    mode: s.mode,
    size: s.size,
    ino: s.ino,
    nlink: s.nlink,
    uid: s.uid,
    gid: s.gid,
    mtimeMs: s.mtimeMs,
  };
}

function direntType(d: Dirent): EntryType {
  if (d.isFile()) return "file";
  if (d.isDirectory()) return "dir";
  if (d.isSymbolicLink()) return "symlink";
  if (d.isFIFO()) return "fifo";
  if (d.isCharacterDevice()) return "char";
  if (d.isBlockDevice()) return "block";
  if (d.isSocket()) return "socket";
  return "unknown";
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** run does op on p through the sandbox, in the oracle's value shapes. */
async function run(sb: Sandbox, op: Op, p: string): Promise<unknown> {
  switch (op) {
    case "stat":
      return statView(await sb.fs.stat(p));
    case "lstat":
      return statView(await sb.fs.lstat(p));
    case "readFile":
      return new Uint8Array(await sb.fs.readFile(p));
    case "readdir":
      return (await sb.fs.readdir(p)).sort();
    case "readdirTypes": {
      const ds = await sb.fs.readdir(p, { withFileTypes: true });
      return ds.map((d) => ({ name: d.name, type: direntType(d) }))
        .sort(byName);
    }
    case "readlink":
      return await sb.fs.readlink(p);
    case "realpath":
      return await sb.fs.realpath(p);
  }
}

/** viaSandbox is run as an outcome; a hang is the outcome "hung". */
async function viaSandbox(
  sb: Sandbox,
  op: Op,
  p: string,
): Promise<Outcome<unknown>> {
  try {
    const v = await within(run(sb, op, p), OP_MS);
    if (v === "hung") return { ok: false, code: `hung for ${OP_MS} ms` };
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, code: codeOf(e) };
  }
}

/** codeOf is an error's code, or its text when it has none. */
function codeOf(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" ? code : `no code: ${e}`;
}

function viaOracle(op: Op, p: string): Outcome<unknown> {
  const root = treeRoot();
  switch (op) {
    case "stat":
      return oracle.stat(root, p);
    case "lstat":
      return oracle.lstat(root, p);
    case "readFile":
      return oracle.readFile(root, p);
    case "readdir":
      return oracle.readdir(root, p);
    case "readdirTypes":
      return oracle.readdirTypes(root, p);
    case "readlink":
      return oracle.readlink(root, p);
    case "realpath":
      return oracle.realpath(root, p);
  }
}

/**
 * comparable makes an outcome fit for assert.equal and for a message:
 * bytes become their length and digest.
 */
function comparable(o: Outcome<unknown>): unknown {
  if (!o.ok) return { error: o.code };
  const v = o.value;
  if (v instanceof Uint8Array) {
    const sha = createHash("sha256").update(v).digest("hex").slice(0, 16);
    return { bytes: v.length, sha256: sha };
  }
  return { value: v };
}

function same(a: unknown, b: unknown): boolean {
  try {
    assert.equal(a, b);
    return true;
  } catch {
    return false;
  }
}

/** show is an outcome for a message; a long list shows only its ends. */
function show(o: Outcome<unknown>): string {
  const c = comparable(o) as { value?: unknown };
  if (Array.isArray(c.value) && c.value.length > 8) {
    const a = c.value;
    const ends = [...a.slice(0, 3), "...", ...a.slice(-3)];
    return JSON.stringify({ length: a.length, ends });
  }
  return JSON.stringify(c);
}

/** caseName shows a path in full unless it is too long to read. */
function caseName([op, p, shows]: Case): string {
  let shown = JSON.stringify(p);
  if (p.length > 60) {
    const bytes = new TextEncoder().encode(p).length;
    shown = `${JSON.stringify(p.slice(0, 16))}...(${bytes} bytes)`;
  }
  return `${op} ${shown}: ${shows}`;
}

/** tableSuite runs every case, cold then warm, against the oracle. */
function tableSuite(cfg: Config, slot: Slot): void {
  const test = suite(`conformance: ${label(cfg)}`);
  test.before(async () => {
    Object.assign(slot, await openSlot(cfg));
  });

  for (const c of CASES) {
    test(caseName(c), async () => {
      const sb = need(slot);
      const [op, p] = c;
      const want = viaOracle(op, p);
      dropCache(sb);
      for (const pass of ["cold", "warm"]) {
        const got = await viaSandbox(sb, op, p);
        if (pass === "cold") slot.cold.set(c, comparable(got));
        assert.equal(
          comparable(got),
          comparable(want),
          `${pass}: got ${show(got)}, want ${show(want)}`,
        );
      }
    });
  }

  // What one case cached must not change another's answer: a case its
  // own test got right cold must still be right after all the others.
  test("every case again, in reverse, on the cache all left", async () => {
    const sb = need(slot);
    const wrong: string[] = [];
    for (const c of [...CASES].reverse()) {
      const cold = slot.cold.get(c);
      const want = comparable(viaOracle(c[0], c[1]));
      if (cold === undefined || !same(cold, want)) continue;
      const got = await viaSandbox(sb, c[0], c[1]);
      if (same(comparable(got), want)) continue;
      wrong.push(
        `${caseName(c)}: got ${show(got)}, want ${JSON.stringify(want)}`,
      );
    }
    assert.ok(wrong.length === 0, wrong.join("\n"));
  });
  specialFiles(test, slot);
  errorShapes(test, slot);
  test.run();
}

type Test = ReturnType<typeof suite>;

/**
 * dropCache empties the sandbox's dentry cache below the root, so the
 * next operation starts cold: every dentry, attribute, link target and
 * listing is fetched again. Mounts keep their own pinned dentries.
 */
function dropCache(sb: Sandbox): void {
  const root = sb.vfs.root.d;
  for (const d of [...root.children.values()]) {
    if (!d.pinned) sb.vfs.cache.drop(d);
  }
  root.listing = undefined;
  root.attr = undefined;
}

/**
 * releaseFifo lets a reader blocked in open(2) of the FIFO go on: a
 * writer that opens and closes at once makes its open return and its
 * reads see end of file.
 */
function releaseFifo(hostPath: string): void {
  try {
    const fd = sys.openat(
      sys.AT_FDCWD,
      hostPath,
      sys.O_WRONLY | sys.O_NONBLOCK | sys.O_CLOEXEC,
    );
    sys.close(fd);
  } catch {
    // ENXIO: nobody is reading, nothing to release.
  }
}

/**
 * specialFiles: a FIFO and a device node are stat-ed by the table; here
 * opening them. Linux would block on the FIFO (no writer) and read the
 * host's own device; the sandbox must do neither: the gofer host layer
 * says special files are never opened on the host, and the sentry's /dev
 * exists so that host device nodes never are. Each must fail, promptly.
 */
function specialFiles(test: Test, slot: Slot): void {
  const cases = [
    ["/dev-fifo", "a FIFO fails at once instead of blocking"],
    ["/dev-null-node", "a host device node is never opened"],
  ];
  for (const [p, shows] of cases) {
    test(`readFile ${JSON.stringify(p)}: ${shows}`, async () => {
      const sb = need(slot);
      for (const pass of ["cold", "warm"]) {
        const pending = sb.fs.readFile(p).then(
          (b) => `read ${b.length} bytes`,
          (e) => ({ code: codeOf(e) }),
        );
        let got = await within(pending, SPECIAL_MS);
        if (got === "hung") {
          releaseFifo(treeRoot() + p);
          await within(pending, OP_MS);
          got = `hung for ${SPECIAL_MS} ms`;
        }
        assert.ok(
          typeof got === "object" && /^E[A-Z]+$/.test(got.code),
          `${pass}: got ${JSON.stringify(got)}, want an errno error`,
        );
      }
    });
  }
}

/** An error's public fields, as node:fs sets them. */
interface Shape {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
  message: string;
}

interface ShapeCase {
  name: string;
  path: string;
  sandbox: (sb: Sandbox, p: string) => Promise<unknown>;
  host: (p: string) => Promise<unknown>;
  /**
   * Node's own error, where Deno's node:fs words it differently (EISDIR
   * from open, "readdir" for "scandir", lstat for realpath). Node is
   * the shape the fs API copies.
   */
  node?: Shape;
}

const X_OK = 1;

const SHAPES: ShapeCase[] = [
  {
    name: "stat of a missing name",
    path: "/etc/nope",
    sandbox: (sb, p) => sb.fs.stat(p),
    host: (p) => fsp.stat(p),
  },
  {
    name: "lstat below a file",
    path: "/etc/hostname/x",
    sandbox: (sb, p) => sb.fs.lstat(p),
    host: (p) => fsp.lstat(p),
  },
  {
    name: "stat of a loop",
    path: "/links/loop1",
    sandbox: (sb, p) => sb.fs.stat(p),
    host: (p) => fsp.stat(p),
  },
  {
    name: "readlink of a file",
    path: "/etc/hostname",
    sandbox: (sb, p) => sb.fs.readlink(p),
    host: (p) => fsp.readlink(p),
  },
  {
    name: "open of a missing name",
    path: "/nonexistent",
    sandbox: (sb, p) => sb.fs.open(p),
    host: (p) => fsp.open(p),
  },
  {
    name: "readFile of a missing name",
    path: "/etc/nope",
    sandbox: (sb, p) => sb.fs.readFile(p),
    host: (p) => fsp.readFile(p),
  },
  {
    name: "access X_OK of a file without execute bits",
    path: "/etc/hostname",
    sandbox: (sb, p) => sb.fs.access(p, X_OK),
    host: (p) => fsp.access(p, X_OK),
  },
  {
    name: "readFile of a directory",
    path: "/etc",
    sandbox: (sb, p) => sb.fs.readFile(p),
    host: (p) => fsp.readFile(p),
    node: {
      code: "EISDIR",
      errno: -21,
      syscall: "read",
      message: "EISDIR: illegal operation on a directory, read",
    },
  },
  {
    name: "readdir of a file",
    path: "/etc/hostname",
    sandbox: (sb, p) => sb.fs.readdir(p),
    host: (p) => fsp.readdir(p),
    node: {
      code: "ENOTDIR",
      errno: -20,
      syscall: "scandir",
      path: "/etc/hostname",
      message: "ENOTDIR: not a directory, scandir '/etc/hostname'",
    },
  },
  {
    name: "realpath of a missing name",
    path: "/links/nope",
    sandbox: (sb, p) => sb.fs.realpath(p),
    host: (p) => fsp.realpath(p),
    node: {
      code: "ENOENT",
      errno: -2,
      syscall: "realpath",
      path: "/links/nope",
      message: "ENOENT: no such file or directory, realpath '/links/nope'",
    },
  },
  {
    name: "opendir of a file",
    path: "/etc/hostname",
    sandbox: (sb, p) => sb.fs.opendir(p),
    host: (p) => fsp.opendir(p),
    node: {
      code: "ENOTDIR",
      errno: -20,
      syscall: "opendir",
      path: "/etc/hostname",
      message: "ENOTDIR: not a directory, opendir '/etc/hostname'",
    },
  },
];

const isDeno = "Deno" in globalThis;

/** shapeOf reads an error's fields, with the tree's host path taken off. */
function shapeOf(e: unknown, root = ""): Shape | string {
  if (!(e instanceof Error)) return `not an Error: ${String(e)}`;
  const f = e as Error & Partial<Shape>;
  const strip = (s: string) => (root ? s.split(root).join("") : s);
  const out: Shape = {
    code: String(f.code),
    errno: Number(f.errno),
    syscall: String(f.syscall),
    message: strip(f.message),
  };
  if (f.path !== undefined) out.path = strip(String(f.path));
  return out;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return "no error";
}

/**
 * errorShapes: errors read like node:fs's for the same path on the host,
 * for paths whose resolution involves no absolute symlink (node:fs would
 * resolve those against the host's "/").
 */
function errorShapes(test: Test, slot: Slot): void {
  for (const c of SHAPES) {
    test(`error shape: ${c.name} matches node:fs`, async () => {
      const sb = need(slot);
      const root = treeRoot();
      const got = shapeOf(await failure(c.sandbox(sb, c.path)));
      let want = shapeOf(await failure(c.host(root + c.path)), root);
      if (isDeno && c.node) want = c.node;
      assert.equal(
        got,
        want,
        `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`,
      );
      assert.ok((got as Shape).errno < 0, "errno is negative, as Node's");
    });
  }
}

/** filesSuite: FileHandle, Dir and access; it closes the sandbox. */
function filesSuite(cfg: Config, slot: Slot): void {
  const test = suite(`files: ${label(cfg)}`);
  test.after(async () => {
    await slot.sb?.close();
    slot.sb = undefined;
    releaseTree();
  });

  const page = () => oracleBytes("/usr/lib/page.bin");

  test("FileHandle.read: reads at a position, offset unmoved", async () => {
    const h = await need(slot).fs.open("/usr/lib/page.bin");
    try {
      const buf = Buffer.alloc(100);
      const r = await h.read(buf, 0, 100, 1000);
      assert.is(r.bytesRead, 100, "bytesRead");
      sameBytes(buf, page().subarray(1000, 1100), "bytes at 1000");
      const r2 = await h.read(buf, 0, 10, null);
      assert.is(r2.bytesRead, 10, "bytesRead at the offset");
      sameBytes(buf.subarray(0, 10), page().subarray(0, 10), "bytes at 0");
    } finally {
      await h.close();
    }
  });

  test("FileHandle.read: position null reads on from the offset", async () => {
    const h = await need(slot).fs.open("/etc/os-release");
    try {
      const want = oracleBytes("/etc/os-release");
      const a = Buffer.alloc(5);
      const b = Buffer.alloc(5);
      await h.read(a, 0, 5, null);
      await h.read(b, 0, 5, null);
      sameBytes(Buffer.concat([a, b]), want.subarray(0, 10), "two reads");
    } finally {
      await h.close();
    }
  });

  test("FileHandle.read: across EOF is short; past EOF gives 0", async () => {
    const h = await need(slot).fs.open("/usr/lib/page.bin");
    try {
      const buf = Buffer.alloc(200);
      const short = await h.read(buf, 0, 200, 4000);
      assert.is(short.bytesRead, 96, "bytesRead across EOF");
      sameBytes(buf.subarray(0, 96), page().subarray(4000), "tail bytes");
      const at = await h.read(buf, 0, 200, 4096);
      assert.is(at.bytesRead, 0, "bytesRead at EOF");
      const past = await h.read(buf, 0, 200, 1 << 20);
      assert.is(past.bytesRead, 0, "bytesRead past EOF");
    } finally {
      await h.close();
    }
  });

  test("FileHandle.read: chunks at positions rebuild 1 MiB", async () => {
    const p = "/usr/lib/data.bin";
    const want = oracleBytes(p);
    const h = await need(slot).fs.open(p);
    try {
      const got = Buffer.alloc(want.length);
      const step = 300_000;
      for (let at = 0; at < want.length; at += step) {
        const n = Math.min(step, want.length - at);
        const r = await h.read(got, at, n, at);
        assert.is(r.bytesRead, n, `bytesRead at ${at}`);
      }
      sameBytes(got, want, "whole file");
    } finally {
      await h.close();
    }
  });

  test("FileHandle.stat: matches stat of the path", async () => {
    const p = "/links/abs";
    const h = await need(slot).fs.open(p);
    try {
      const got = statView(await h.stat());
      const want = oracle.stat(treeRoot(), p);
      assert.ok(want.ok, "oracle stat");
      assert.equal(got, want.ok && want.value);
    } finally {
      await h.close();
    }
  });

  test("FileHandle.readFile: reads from the offset to the end", async () => {
    const p = "/usr/bin/tool";
    const want = oracleBytes(p);
    const h = await need(slot).fs.open(p);
    try {
      await h.read(Buffer.alloc(1000), 0, 1000, null);
      const rest = await h.readFile();
      sameBytes(rest as Buffer, want.subarray(1000), "after 1000 bytes");
    } finally {
      await h.close();
    }
  });

  test("FileHandle: a directory opens; reading it is EISDIR", async () => {
    const h = await need(slot).fs.open("/etc");
    try {
      const e = await failure(h.read(Buffer.alloc(10), 0, 10, 0));
      const host = await fsp.open(treeRoot() + "/etc");
      const want = await failure(host.read(Buffer.alloc(10), 0, 10, 0));
      await host.close();
      assert.is(codeOf(e), codeOf(want));
    } finally {
      await h.close();
    }
  });

  test("FileHandle.close: a closed handle's read is EBADF", async () => {
    const h = await need(slot).fs.open("/etc/hostname");
    await h.close();
    const e = await failure(h.read(Buffer.alloc(10), 0, 10, 0));
    assert.is(codeOf(e), "EBADF");
  });

  const openCases: [string, "O_NOFOLLOW" | "O_DIRECTORY", string][] = [
    ["/links/rel", "O_NOFOLLOW", "O_NOFOLLOW on a symlink is ELOOP"],
    ["/links/dirlink", "O_NOFOLLOW", "O_NOFOLLOW on a link to a dir"],
    ["/links/dirlink/", "O_NOFOLLOW", "O_NOFOLLOW, trailing slash"],
    ["/etc/hostname", "O_NOFOLLOW", "O_NOFOLLOW on a file opens it"],
    ["/etc/hostname", "O_DIRECTORY", "O_DIRECTORY on a file is ENOTDIR"],
    ["/links/dirlink", "O_DIRECTORY", "O_DIRECTORY through a link"],
  ];
  for (const [p, flag, shows] of openCases) {
    test(`open ${JSON.stringify(p)}: ${shows}`, async () => {
      const sb = need(slot);
      const opened = (h: { close(): Promise<void> }) => h.close();
      const got = await failure(
        sb.fs.open(p, sb.fs.constants[flag]).then(opened),
      );
      const want = await failure(
        fsp.open(treeRoot() + p, fs.constants[flag]).then(opened),
      );
      const code = (e: unknown) => (e === "no error" ? "ok" : codeOf(e));
      assert.is(code(got), code(want), `got ${code(got)}, want ${code(want)}`);
    });
  }

  for (const p of ["/big-dir", "/links", "/", "/links/dirlink"]) {
    test(`opendir ${JSON.stringify(p)}: iterating equals readdir`, async () => {
      const sb = need(slot);
      const got: { name: string; type: EntryType }[] = [];
      for await (const d of await sb.fs.opendir(p)) {
        got.push({ name: d.name, type: direntType(d) });
      }
      const want = oracle.readdirTypes(treeRoot(), p);
      assert.ok(want.ok, "oracle readdir");
      const listed = await sb.fs.readdir(p);
      assert.equal(got.map((d) => d.name), listed, "same order as readdir");
      assert.equal(got.sort(byName), want.ok && want.value);
    });
  }

  const accessCases: [string, number, string][] = [
    ["/etc/hostname", X_OK, "X_OK on a 0644 file is EACCES"],
    ["/home/user/notes.txt", X_OK, "X_OK on a 0600 file is EACCES"],
    ["/usr/bin/tool", X_OK, "X_OK on a 0755 file succeeds"],
    ["/bin/tool", X_OK, "X_OK through a link to a 0755 file succeeds"],
    ["/etc", X_OK, "X_OK on a directory succeeds"],
    ["/etc/hostname", 4, "R_OK on a file succeeds"],
    ["/etc/nope", 0, "F_OK on a missing name is ENOENT"],
    ["/more/gexec", X_OK, "X_OK with only the group's x bit succeeds"],
    ["/more/none", X_OK, "X_OK on a mode 000 file is EACCES"],
    ["/more/none", 4, "R_OK on a mode 000 file succeeds for root"],
    ["/links/abs", X_OK, "X_OK through an absolute link to a 0644 file"],
  ];
  for (const [p, mode, shows] of accessCases) {
    test(`access ${JSON.stringify(p)}: ${shows}`, async () => {
      const e = await failure(need(slot).fs.access(p, mode));
      const got = e === "no error" ? "ok" : codeOf(e);
      const r = oracle.access(treeRoot(), p, mode);
      const want = r.ok ? "ok" : r.code;
      assert.is(got, want, `got ${got}, want ${want}`);
    });
  }
  test.run();
}

function oracleBytes(p: string): Uint8Array {
  const r = oracle.readFile(treeRoot(), p);
  if (!r.ok) throw new Error(`oracle readFile ${p}: ${r.code}`);
  return r.value;
}

function sameBytes(got: Uint8Array, want: Uint8Array, what: string): void {
  const equal = Buffer.compare(Buffer.from(got), Buffer.from(want)) === 0;
  if (equal) return;
  let at = 0;
  while (at < got.length && at < want.length && got[at] === want[at]) at++;
  assert.unreachable(
    `${what}: got ${got.length} bytes, want ${want.length}; ` +
      `first difference at ${at}`,
  );
}

for (const cfg of CONFIGS) {
  const slot: Slot = { cold: new Map() };
  tableSuite(cfg, slot);
  filesSuite(cfg, slot);
}
