/**
 * Donated fds: our gofer opens a regular file and passes the host fd to
 * the sentry over SCM_RIGHTS, so reads need no round trip. The data must
 * be the host file's, opening and closing must leak no fd on either side
 * (the sentry keeps at most READ_HANDLES read fds between opens), and a
 * file removed on the host stays readable through an open handle.
 * The same checks run with donation off, where data moves in Tread.
 */
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { countOpenFds } from "../shared/sys/libc.ts";
import { READ_HANDLES } from "../sentry/fs/gofer/fs.ts";
import {
  openSandbox,
  runtimeArgv,
  type Sandbox,
} from "../sentry/sandbox.ts";
import { DEEP, makeTree, removeTree } from "./fixture.ts";

/** Regular files of several sizes, and how deep they lie. */
const FILES = [
  "/usr/lib/data.bin", "/usr/bin/tool", "/usr/lib/page.bin",
  "/etc/hostname", "/etc/empty", DEEP,
];

interface Ctx {
  root: string;
  /** Donating (the default). */
  sb: Sandbox;
  /** donateFds: false. */
  plain: Sandbox;
}

const t = suite<Ctx>("fdpass");

t.before(async (c) => {
  c.root = makeTree();
  c.sb = await openSandbox({ root: c.root });
  c.plain = await openSandbox({ root: c.root, donateFds: false });
});

t.after(async (c) => {
  await Promise.all([c.sb?.close(), c.plain?.close()]);
  removeTree(c.root);
});

function host(c: Ctx, p: string): Buffer {
  return fs.readFileSync(path.join(c.root, p));
}

/** readThrough opens p, reads it all in 64 KiB reads, and closes. */
async function readThrough(sb: Sandbox, p: string): Promise<Buffer> {
  const h = await sb.fs.open(p);
  try {
    const parts: Buffer[] = [];
    for (let pos = 0;;) {
      const buf = Buffer.alloc(65536);
      const { bytesRead } = await h.read(buf, 0, 65536, pos);
      if (bytesRead === 0) break;
      parts.push(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return Buffer.concat(parts);
  } finally {
    await h.close();
  }
}

/** goferFds counts the gofer process's open fds. */
function goferFds(sb: Sandbox): number {
  return fs.readdirSync(`/proc/${sb.goferPid}/fd`).length;
}

t("the gofer announces fd donation", (c) => {
  assert.ok(c.sb.caps.includes("donate"), `caps ${c.sb.caps}`);
  assert.not.ok(c.plain.caps.includes("donate"), `caps ${c.plain.caps}`);
});

t("a donated fd reads the host file's bytes, with no Tread", async (c) => {
  c.sb.resetStats();
  for (const p of FILES) {
    const got = await readThrough(c.sb, p);
    assert.ok(got.equals(host(c, p)), `${p}: bytes differ`);
  }
  const st = c.sb.stats();
  assert.is(st.TXlopen, FILES.length, JSON.stringify(st));
  assert.is(st.Tread, undefined, JSON.stringify(st));
});

t("readFile through a donated fd matches the host file", async (c) => {
  c.sb.resetStats();
  const got = await c.sb.fs.readFile("/usr/lib/data.bin");
  assert.ok(got.equals(host(c, "/usr/lib/data.bin")));
  assert.is(c.sb.stats().Tread, undefined);
});

t("with donateFds: false, reads come through Tread and match", async (c) => {
  c.plain.resetStats();
  for (const p of FILES) {
    const got = await readThrough(c.plain, p);
    assert.ok(got.equals(host(c, p)), `${p}: bytes differ`);
  }
  const st = c.plain.stats();
  assert.ok((st.Tread ?? 0) >= FILES.length, JSON.stringify(st));
  assert.ok((st.TXlopen ?? 0) >= FILES.length, JSON.stringify(st));
});

/** ageMs gives how long process pid has been running (CLK_TCK 100). */
function ageMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const startSec = Number(fields[19]) / 100;
  const upSec = Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  return (upSec - startSec) * 1000;
}

/**
 * settle waits until this process and the gofer are a second old. Deno
 * opens a socketpair of its own about half a second after it starts,
 * whatever the program does; counting before that would blame it on
 * the code under test.
 */
async function settle(sb: Sandbox): Promise<void> {
  const young = Math.max(
    1000 - ageMs(process.pid), 1000 - ageMs(sb.goferPid!),
  );
  if (young > 0) await new Promise((r) => setTimeout(r, young + 100));
}

/**
 * cycles opens, reads and closes a file n times after one warm-up, and
 * gives the fd counts of this process and of the gofer before and after.
 */
async function cycles(sb: Sandbox, n: number, name = (_i: number) =>
  "/usr/lib/page.bin") {
  let i = 0;
  const once = async () => {
    const h = await sb.fs.open(name(i++));
    const { bytesRead } = await h.read(Buffer.alloc(4096), 0, 4096, 0);
    await h.close();
    return bytesRead;
  };
  await once();
  await settle(sb);
  const before = { sentry: countOpenFds(), gofer: goferFds(sb) };
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += await once();
  const after = { sentry: countOpenFds(), gofer: goferFds(sb) };
  return { before, after, bytes };
}

t("1000 open/read/close cycles leave fd counts where they were",
  async (c) => {
    c.sb.resetStats();
    const r = await cycles(c.sb, 1000);
    assert.is(r.bytes, 1000 * 4096);
    assert.equal(r.after, r.before, "sentry and gofer fds");
    // The fd of the first open (here or earlier) is kept and shared.
    const opens = c.sb.stats().TXlopen ?? 0;
    assert.ok(opens <= 1, `${opens} TXlopen for one file`);
  });

t("1000 cycles over more files than are kept: bounded, all let go",
  async (c) => {
    const n = READ_HANDLES * 2 + 44;
    const dir = path.join(c.root, "tmp/many");
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < n; i++) {
      fs.writeFileSync(path.join(dir, `f${i}`), Buffer.alloc(4096, i));
    }
    const start = countOpenFds();
    const sb = await openSandbox({ root: c.root });
    try {
      const r = await cycles(sb, 1000, (i) => `/tmp/many/f${i % n}`);
      assert.is(r.bytes, 1000 * 4096);
      assert.is(r.after.gofer, r.before.gofer, "gofer fds");
      assert.ok(r.after.sentry <= r.before.sentry + READ_HANDLES,
        `sentry fds ${r.before.sentry} -> ${r.after.sentry}`);
      // Round-robin over more files than the bound: every open misses.
      assert.is(sb.stats().TXlopen, 1001);
    } finally {
      await sb.close();
    }
    assert.is(countOpenFds(), start, "fds once the sandbox is closed");
  });

t("shared mode: a kept handle never serves a file changed on the host",
  async (c) => {
    const sb = await openSandbox({ root: c.root, fileAccess: "shared" });
    const p = "/tmp/changing";
    const file = path.join(c.root, p);
    try {
      fs.writeFileSync(file, "one");
      assert.is(await sb.fs.readFile(p, "utf8"), "one");
      fs.writeFileSync(file, "two, in place");
      assert.is(await sb.fs.readFile(p, "utf8"), "two, in place");
      fs.writeFileSync(`${file}.new`, "three, renamed over");
      fs.renameSync(`${file}.new`, file);
      assert.is(await sb.fs.readFile(p, "utf8"), "three, renamed over");
      fs.unlinkSync(file);
      const err = await sb.fs.readFile(p).then(() => null, (e) => e);
      assert.is(err?.code, "ENOENT");
    } finally {
      await sb.close();
    }
  });

t("300 cycles without donation leave fd counts where they were",
  async (c) => {
    const r = await cycles(c.plain, 300);
    assert.is(r.bytes, 300 * 4096);
    assert.equal(r.after, r.before, "sentry and gofer fds");
  });

t("out of fds, a donated file fails with EMFILE, and works once fds free",
  (c) => {
    const child = path.join(
      path.dirname(fileURLToPath(import.meta.url)), "children/emfile.ts",
    );
    const [cmd, pre] = runtimeArgv(child);
    const line = [cmd, ...pre, c.root].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("bash", ["-c", `ulimit -n 200; exec ${line}`], {
      encoding: "utf8", timeout: 30_000,
    });
    assert.is(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.ok(got.filled > 0, "nothing to fill");
    assert.is(got.full, "EMFILE");
    assert.is(got.after, "sandbox\n");
  });

/** regularFiles lists the regular files below dir, links not followed. */
function regularFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return regularFiles(p);
    return d.isFile() ? [p] : [];
  });
}

for (const mode of ["exclusive", "shared"]) {
  t(`${mode}: at a low fd limit, every file still reads, one at a time`,
    (c) => {
      const files = regularFiles(c.root);
      const child = path.join(
        path.dirname(fileURLToPath(import.meta.url)), "children/lowfd.ts",
      );
      const [cmd, pre] = runtimeArgv(child);
      const line = [cmd, ...pre, c.root, mode].map((a) => `'${a}'`)
        .join(" ");
      const r = spawnSync("bash", ["-c", `ulimit -n 48; exec ${line}`], {
        encoding: "utf8", timeout: 60_000,
      });
      assert.is(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
      assert.equal(got.errors, {});
      assert.is(got.read, files.length);
    });
}

t("a file removed on the host stays readable through an open handle",
  async (c) => {
    for (const [sb, name] of [[c.sb, "a"], [c.plain, "b"]] as const) {
      const p = `/tmp/victim-${name}`;
      const data = Buffer.from(`doomed ${name}\n`.repeat(5000));
      fs.writeFileSync(path.join(c.root, p), data);
      const h = await sb.fs.open(p);
      try {
        fs.unlinkSync(path.join(c.root, p));
        const buf = Buffer.alloc(data.length + 10);
        const { bytesRead } = await h.read(buf, 0, buf.length, 0);
        assert.is(bytesRead, data.length, name);
        assert.ok(buf.subarray(0, bytesRead).equals(data), name);
        assert.is((await h.stat()).size, data.length, name);
      } finally {
        await h.close();
      }
      if (sb === c.sb) {
        // Exclusive mode trusts its cache: the kept read handle still
        // serves the file (shared mode's ENOENT is tested above).
        const again = await sb.fs.readFile(p);
        assert.ok(again.equals(data), `${name}: reopened from the cache`);
        continue;
      }
      const err = await sb.fs.open(p).then(() => null, (e) => e);
      assert.is(err?.code, "ENOENT", `${name}: reopened after unlink`);
    }
  });

t.run();
