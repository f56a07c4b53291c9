/**
 * The VFS's own bookkeeping: the dentry cache stays within its bound and
 * answers stay right after eviction; open files outlive their names.
 */
import fs from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as sys from "../shared/sys/libc.ts";
import { openSandbox } from "../sentry/sandbox.ts";
import { makeTree, removeTree } from "./fixture.ts";

const t = suite("vfs");
let tree = "";
t.before(() => {
  tree = makeTree();
});
t.after(() => removeTree(tree));

for (const fileAccess of ["exclusive", "shared"] as const) {
  t(`dentry cache (${fileAccess}): a walk of 1000 files keeps at most ` +
    `the bound`, async () => {
    const sb = await openSandbox({ root: tree, fileAccess,
      dentryCacheSize: 64 });
    try {
      const names = await sb.fs.readdir("/big-dir");
      assert.is(names.length, 1000);
      let peak = 0;
      for (const n of names) {
        const st = await sb.fs.stat(`/big-dir/${n}`);
        const host = fs.statSync(path.join(tree, "big-dir", n));
        assert.is(st.ino, host.ino, n);
        peak = Math.max(peak, sb.vfs.cache.size);
      }
      assert.ok(peak <= 64, `cache grew to ${peak}`);
      // Evicted entries come back right.
      const again = await sb.fs.stat("/big-dir/f0000");
      assert.is(again.size, 1);
    } finally {
      await sb.close();
    }
  });
}

t("dentry cache: a deep walk past the bound still resolves", async () => {
  const sb = await openSandbox({ root: tree, dentryCacheSize: 4 });
  try {
    for (let i = 0; i < 3; i++) {
      const data = await sb.fs.readFile("/usr/share/doc/a/b/c/d/deep.txt",
        "utf8");
      assert.is(data, "deep\n");
      assert.is(await sb.fs.realpath("/links/doclink/a/b/../b/c"),
        "/usr/share/doc/a/b/c");
    }
  } finally {
    await sb.close();
  }
});

t("open files: closing twice is EBADF-free; reads after close fail",
  async () => {
    const sb = await openSandbox({ root: tree });
    try {
      const h = await sb.fs.open("/etc/hostname");
      await h.close();
      await h.close();
      let code = "";
      await h.read(Buffer.alloc(4)).catch((e) => (code = e.code));
      assert.is(code, "EBADF");
      assert.is(sb.vfs.openCount, 0);
    } finally {
      await sb.close();
    }
  });

t("readFile with a write flag fails with EROFS; the host is unchanged",
  async () => {
    const sb = await openSandbox({ root: tree });
    try {
      for (const flag of ["w", "a+", "r+"]) {
        const e = await sb.fs.readFile("/etc/hostname", { flag })
          .then(() => null, (x) => x);
        assert.is(e?.code, "EROFS", flag);
        assert.is(e?.syscall, "open", flag);
      }
      assert.is(await sb.fs.readFile("/etc/hostname", { flag: "r" })
        .then(String), "sandbox\n");
      assert.is(fs.readFileSync(path.join(tree, "etc/hostname"), "utf8"),
        "sandbox\n");
    } finally {
      await sb.close();
    }
  });

t("after close, cached and uncached paths alike fail with EIO", async () => {
  const sb = await openSandbox({ root: tree });
  await sb.fs.stat("/etc/hostname");
  await sb.close();
  for (const p of ["/etc/hostname", "/etc/nope", "/usr"]) {
    const e = await sb.fs.stat(p).then(() => null, (x) => x);
    assert.is(e?.code, "EIO", p);
  }
  const e = await sb.fs.mkdir("/tmp/x").then(() => null, (x) => x);
  assert.is(e?.code, "EIO", "mkdir");
});

t("stat with bigint: true gives BigIntStats as node:fs does", async () => {
  const sb = await openSandbox({ root: tree });
  try {
    for (const p of ["/etc/hostname", "/usr", "/links/doclink"]) {
      const host = fs.lstatSync(path.join(tree, p), { bigint: true });
      const got = await sb.fs.lstat(p, { bigint: true });
      for (const k of ["ino", "mode", "nlink", "size", "mtimeMs", "uid",
        "gid"] as const) {
        assert.is(typeof got[k], "bigint", `${p} ${k}`);
        assert.is(got[k], host[k], `${p} ${k}`);
      }
      // Nanoseconds from Linux itself: Deno's node:fs keeps only ms.
      const sx = sys.statx(sys.AT_FDCWD, path.join(tree, p),
        sys.AT_SYMLINK_NOFOLLOW);
      assert.is(got.mtimeNs, sx.mtimeSec * 1_000_000_000n +
        BigInt(sx.mtimeNsec), `${p} mtimeNs`);
      assert.is(got.ctimeNs, sx.ctimeSec * 1_000_000_000n +
        BigInt(sx.ctimeNsec), `${p} ctimeNs`);
      assert.is(got.isSymbolicLink(), host.isSymbolicLink(), p);
      assert.is(got.mtime.getTime(), host.mtime.getTime(), p);
      // A plain Stats' Date is rounded to the millisecond, as Node does.
      const plain = await sb.fs.lstat(p);
      assert.is(plain.mtime.getTime(),
        Math.round(Number(sx.mtimeSec) * 1000 + sx.mtimeNsec / 1e6),
        `${p} Date`);
    }
    const h = await sb.fs.open("/etc/hostname");
    assert.is((await h.stat({ bigint: true })).size, 8n);
    await h.close();
    assert.is(typeof (await sb.fs.stat("/usr")).size, "number");
  } finally {
    await sb.close();
  }
});

t.run();
