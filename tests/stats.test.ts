/**
 * Request counting, which is how caching is verified: the sandbox counts
 * every 9P request it sends. In exclusive mode nothing else changes the
 * tree, so a warm stat costs nothing and a listing is fetched once; in
 * shared mode every operation asks the gofer once (one request however
 * deep the path) and so sees host changes at once.
 *
 * Expected behaviour, pinned here: exclusive mode keeps its cached
 * answer for stat, lookups that failed, and readdir even after the host
 * changes (that is its contract: nobody else writes the tree).
 */
import fs from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openSandbox, type Sandbox } from "../sentry/sandbox.ts";
import { DEEP, makeTree, removeTree } from "./fixture.ts";

type Mode = "exclusive" | "shared";

interface Ctx {
  root: string;
  sb: Record<Mode, Sandbox>;
}

/** A file at depth 1, and the fixture's at depth 8. */
const SHALLOW = "/top.txt";
const DEPTHS: [string, number][] = [[SHALLOW, 1], [DEEP, 8]];

/** Each mode's own directory for host changes, one per case below. */
const DIR: Record<Mode, string> = { exclusive: "/ex", shared: "/sh" };
const CASES = ["add", "rm", "repl"];

const t = suite<Ctx>("stats");

t.before(async (c) => {
  c.root = makeTree();
  fs.writeFileSync(path.join(c.root, SHALLOW), "top\n");
  for (const d of Object.values(DIR)) {
    for (const k of CASES) {
      fs.mkdirSync(path.join(c.root, d, k), { recursive: true });
    }
  }
  c.sb = {
    exclusive: await openSandbox({ root: c.root, fileAccess: "exclusive" }),
    shared: await openSandbox({ root: c.root, fileAccess: "shared" }),
  };
});

t.after(async (c) => {
  await Promise.all(Object.values(c.sb ?? {}).map((sb) => sb.close()));
  removeTree(c.root);
});

/** cost runs fn and gives the requests it sent. */
async function cost(sb: Sandbox, fn: () => Promise<unknown>) {
  sb.resetStats();
  await fn();
  return { n: sb.requestCount(), stats: sb.stats() };
}

/** code gives the error code fn fails with, or "" if it succeeds. */
async function code(fn: () => Promise<unknown>): Promise<string> {
  return fn().then(() => "", (e) => String(e?.code));
}

/** The sandbox path of a case's directory, and of a file in it. */
function dir(mode: Mode, k: string, name = ""): string {
  return `${DIR[mode]}/${k}${name ? "/" + name : ""}`;
}

function host(c: Ctx, mode: Mode, k: string, name: string): string {
  return path.join(c.root, dir(mode, k, name));
}

t("the depths are what the tests say", () => {
  for (const [p, depth] of DEPTHS) {
    assert.is(p.split("/").length - 1, depth, p);
  }
});

for (const mode of ["exclusive", "shared"] as const) {
  for (const [p, depth] of DEPTHS) {
    const warm = mode === "exclusive" ? 0 : 1;
    t(`${mode}: a cold stat at depth ${depth} costs one request`,
      async (c) => {
        const r = await cost(c.sb[mode], () => c.sb[mode].fs.stat(p));
        assert.is(r.n, 1, JSON.stringify(r.stats));
      });
    t(`${mode}: a repeated stat at depth ${depth} costs ${warm}`,
      async (c) => {
        const sb = c.sb[mode];
        await sb.fs.stat(p);
        for (let i = 0; i < 3; i++) {
          const r = await cost(sb, () => sb.fs.stat(p));
          assert.is(r.n, warm, JSON.stringify(r.stats));
        }
      });
  }
}

t("exclusive: readdir costs requests once", async (c) => {
  const sb = c.sb.exclusive;
  const first = await cost(sb, () => sb.fs.readdir("/big-dir"));
  assert.ok(first.n >= 1, JSON.stringify(first.stats));
  for (let i = 0; i < 3; i++) {
    const r = await cost(sb, () => sb.fs.readdir("/big-dir"));
    assert.is(r.n, 0, JSON.stringify(r.stats));
  }
});

t("shared: readdir costs a listing request every time", async (c) => {
  const sb = c.sb.shared;
  for (let i = 0; i < 3; i++) {
    const r = await cost(sb, () => sb.fs.readdir("/big-dir"));
    assert.ok((r.stats.TXreaddirstat ?? 0) >= 1, JSON.stringify(r.stats));
  }
});

t("shared: a file added on the host is seen at once", async (c) => {
  const sb = c.sb.shared;
  const p = dir("shared", "add", "f");
  assert.is(await code(() => sb.fs.stat(p)), "ENOENT");
  assert.equal(await sb.fs.readdir(dir("shared", "add")), []);
  fs.writeFileSync(host(c, "shared", "add", "f"), "new\n");
  assert.is((await sb.fs.stat(p)).size, 4);
  assert.equal(await sb.fs.readdir(dir("shared", "add")), ["f"]);
  assert.is(await sb.fs.readFile(p, "utf8"), "new\n");
});

t("shared: a file removed on the host is gone at once", async (c) => {
  const sb = c.sb.shared;
  const p = dir("shared", "rm", "f");
  fs.writeFileSync(host(c, "shared", "rm", "f"), "old\n");
  assert.ok((await sb.fs.stat(p)).isFile());
  assert.equal(await sb.fs.readdir(dir("shared", "rm")), ["f"]);
  assert.is(await sb.fs.readFile(p, "utf8"), "old\n");
  fs.unlinkSync(host(c, "shared", "rm", "f"));
  assert.is(await code(() => sb.fs.stat(p)), "ENOENT");
  assert.equal(await sb.fs.readdir(dir("shared", "rm")), []);
  assert.is(await code(() => sb.fs.readFile(p)), "ENOENT");
});

t("shared: a file replaced on the host shows its new inode and bytes",
  async (c) => {
    const sb = c.sb.shared;
    const p = dir("shared", "repl", "f");
    fs.writeFileSync(host(c, "shared", "repl", "f"), "before\n");
    fs.writeFileSync(host(c, "shared", "repl", "g"), "after!!\n");
    const old = await sb.fs.stat(p);
    assert.is(await sb.fs.readFile(p, "utf8"), "before\n");
    const newIno = fs.statSync(host(c, "shared", "repl", "g")).ino;
    fs.renameSync(
      host(c, "shared", "repl", "g"), host(c, "shared", "repl", "f"),
    );
    const now = await sb.fs.stat(p);
    assert.is.not(now.ino, old.ino);
    assert.is(now.ino, newIno);
    assert.is(await sb.fs.readFile(p, "utf8"), "after!!\n");
    assert.equal(await sb.fs.readdir(dir("shared", "repl")), ["f"]);
  });

t("shared: a directory replaced on the host is walked anew", async (c) => {
  const sb = c.sb.shared;
  const d = path.join(c.root, "sh/dirrepl");
  fs.mkdirSync(path.join(d, "sub"), { recursive: true });
  fs.writeFileSync(path.join(d, "sub/f"), "first\n");
  try {
    assert.is(await sb.fs.readFile("/sh/dirrepl/sub/f", "utf8"), "first\n");
    fs.renameSync(path.join(d, "sub"), path.join(d, "sub.old"));
    fs.mkdirSync(path.join(d, "sub"));
    fs.writeFileSync(path.join(d, "sub/f"), "second\n");
    fs.writeFileSync(path.join(d, "sub/g"), "");
    const st = await sb.fs.stat("/sh/dirrepl/sub/f");
    assert.is(st.ino, fs.statSync(path.join(d, "sub/f")).ino);
    assert.is(await sb.fs.readFile("/sh/dirrepl/sub/f", "utf8"), "second\n");
    assert.is((await sb.fs.stat("/sh/dirrepl/sub/g")).size, 0);
    fs.rmSync(path.join(d, "sub"), { recursive: true });
    assert.is(await code(() => sb.fs.stat("/sh/dirrepl/sub/f")), "ENOENT");
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

t("exclusive: a file added on the host after a lookup stays unseen",
  async (c) => {
    const sb = c.sb.exclusive;
    const p = dir("exclusive", "add", "f");
    assert.is(await code(() => sb.fs.stat(p)), "ENOENT");
    assert.equal(await sb.fs.readdir(dir("exclusive", "add")), []);
    fs.writeFileSync(host(c, "exclusive", "add", "f"), "new\n");
    const r = await cost(sb, async () => {
      assert.is(await code(() => sb.fs.stat(p)), "ENOENT");
      assert.equal(await sb.fs.readdir(dir("exclusive", "add")), []);
    });
    assert.is(r.n, 0, JSON.stringify(r.stats));
  });

t("exclusive: a file removed on the host is still there from the cache",
  async (c) => {
    const sb = c.sb.exclusive;
    const p = dir("exclusive", "rm", "f");
    fs.writeFileSync(host(c, "exclusive", "rm", "f"), "old\n");
    const st = await sb.fs.stat(p);
    assert.equal(await sb.fs.readdir(dir("exclusive", "rm")), ["f"]);
    fs.unlinkSync(host(c, "exclusive", "rm", "f"));
    const r = await cost(sb, async () => {
      assert.is((await sb.fs.stat(p)).ino, st.ino);
      assert.equal(await sb.fs.readdir(dir("exclusive", "rm")), ["f"]);
    });
    assert.is(r.n, 0, JSON.stringify(r.stats));
  });

t("exclusive: a file replaced on the host keeps its cached inode",
  async (c) => {
    const sb = c.sb.exclusive;
    const p = dir("exclusive", "repl", "f");
    fs.writeFileSync(host(c, "exclusive", "repl", "f"), "before\n");
    fs.writeFileSync(host(c, "exclusive", "repl", "g"), "after!!\n");
    const old = await sb.fs.stat(p);
    const names = await sb.fs.readdir(dir("exclusive", "repl"));
    assert.equal(names.sort(), ["f", "g"]);
    fs.renameSync(
      host(c, "exclusive", "repl", "g"), host(c, "exclusive", "repl", "f"),
    );
    const r = await cost(sb, async () => {
      assert.is((await sb.fs.stat(p)).ino, old.ino);
      assert.equal(
        (await sb.fs.readdir(dir("exclusive", "repl"))).sort(), ["f", "g"],
      );
    });
    assert.is(r.n, 0, JSON.stringify(r.stats));
  });

t.run();
